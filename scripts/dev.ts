// `npm run dev`: Postgres (embedded under .data/, or DATABASE_URL), the loopback relay,
// migrations, a build of the RUM SDK, the site and the Worker, then `wrangler dev` on http://localhost:8787.
// Ctrl-C stops everything it started.
import { join } from "node:path";
import { prepareSiteTenant } from "./site-tenant.ts";
import {
  buildSite,
  databaseSecrets,
  ROOT,
  startEmbeddedDatabase,
  startWorker,
  useExternalDatabase,
  type Database,
  type Worker,
} from "./local-stack.ts";
import { loadDevSecrets } from "./worker-secrets.ts";

const PORT = Number(process.env.PORT ?? 8787);
const DEV_POSTGRES_PORT = 54329;
const DATA = join(ROOT, ".data");
// Whoever signs up with this email can join the site's own tenant as its owner (invitation link below).
const SITE_OWNER_EMAIL = process.env.SITE_OWNER_EMAIL ?? "owner@sightline.localhost";

const running: { database?: Database; worker?: Worker } = {};
let stopping = false;

async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    console.log("\nStopping…");
    await running.worker?.stop();
    await running.database?.stop();
  }
  process.exit(code);
}
process.on("SIGINT", () => void stopAll(0));
process.on("SIGTERM", () => void stopAll(0));

function step(message: string): void {
  console.log(`▸ ${message}`);
}

try {
  step(
    process.env.DATABASE_URL ? "Using DATABASE_URL" : `Starting embedded PostgreSQL (data in .data/postgres)`,
  );
  running.database = process.env.DATABASE_URL
    ? await useExternalDatabase(process.env.DATABASE_URL, process.env.APP_DATABASE_URL)
    : await startEmbeddedDatabase({ dataDir: join(DATA, "postgres"), port: DEV_POSTGRES_PORT });
  step("Migrations applied");

  const origin = `http://localhost:${PORT}`;
  const site = await prepareSiteTenant(running.database, origin, SITE_OWNER_EMAIL);
  step(`Site tenant ready (frontend token for ${origin})`);

  step("Building the RUM SDK and the site");
  buildSite(site.frontendToken);

  step("Starting wrangler dev");
  running.worker = await startWorker({
    port: PORT,
    secrets: { ...databaseSecrets(running.database), ...loadDevSecrets(join(DATA, "dev-secrets.json")) },
    persistDir: join(DATA, "wrangler"),
    localObservability: true,
    // Rebuilt on every change of the code; wrangler dev reloads the new build.
    watch: true,
    // Nothing is sent locally: the simulated binding writes each message to files; this says where.
    onMail: (mail) =>
      console.log(
        `✉  Email to ${mail.to}: "${mail.subject}"\n   open file://${mail.htmlPath} (text: ${mail.textPath})`,
      ),
  });
  running.worker.process.once("exit", () => void stopAll(1));

  const local = running.database.embedded;
  console.log(`
Sightline is running
  Site        ${running.worker.origin}/
  API         ${running.worker.origin}/api/health
  OTLP        ${running.worker.origin}/v1/traces · /v1/logs · /v1/metrics
  Postgres    ${local ? `embedded, 127.0.0.1:${local.port} (data in .data/postgres)` : "DATABASE_URL"}
  Relay       ${running.database.relayAddress ? `ws://${running.database.relayAddress} (loopback only)` : "none (Neon)"}
  Email       simulated: each message is written to files under .wrangler/tmp/email/, printed as "✉ Email to …"
  Site RUM    tenant "Sightline website" (${site.tenantId}); to see its dashboard, sign up as
              ${SITE_OWNER_EMAIL}, open the confirmation email printed below, then ${site.ownerInvitation}
Press Ctrl-C to stop everything.
`);
} catch (error) {
  console.error(`\n✖ ${error instanceof Error ? error.message : error}`);
  await stopAll(1);
}
