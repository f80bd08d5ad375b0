// Sightline's RUM SDK. Importing it does nothing: the consent loader calls `start` after "Accept
// all" (or on dashboard pages) and `stop` when the visitor withdraws.
import { defaultResource, resourceFromAttributes } from "@opentelemetry/resources";
import {
  BatchSpanProcessor,
  TracerProvider,
  type BatchSpanProcessorBrowserOptions,
} from "@opentelemetry/sdk-trace";
import { ATTR, SPAN } from "./attributes.ts";
import { browserFacts } from "./browser-facts.ts";
import { RumExporter } from "./exporter.ts";
import { guarded } from "./guarded.ts";
import { observeCtaClicks } from "./instrumentations/cta-clicks.ts";
import { observeResources } from "./instrumentations/resources.ts";
import { observeWebVitals } from "./instrumentations/web-vitals.ts";
import { PageStamp } from "./page-stamp.ts";
import { CONSENT_VERSION } from "./consent-version.ts";
import { requestReceipt, revokeReceipt, usableReceipt } from "./receipt.ts";
import { deleteSession, recordPageView, saveReceipt, type Session } from "./session.ts";

export type RumConfig = {
  /** A frontend ingest token of the tenant that receives the data. */
  token: string;
  /** OTLP/HTTP traces endpoint; the Worker's own by default. */
  endpoint?: string;
  /** Where consent receipts are issued; the Worker's own by default. */
  consentEndpoint?: string;
  /** The tenant's consent policy version the visitor accepted; Sightline's own by default. */
  policyVersion?: number;
  serviceName?: string;
};

type Running = { provider: TracerProvider; exporter: RumExporter; stops: (() => void)[] };

let running: Running | null = null;

/** Starts measuring this page. Safe to call twice; never throws. */
export function start(config: RumConfig): void {
  if (running) return;
  try {
    running = launch(config);
  } catch {
    running = null;
  }
}

/**
 * Withdrawal: from this call on nothing leaves the browser. Queued spans are dropped (no final
 * flush), observers and listeners are removed, and the tab's session id is deleted.
 */
export function stop(): void {
  const current = running;
  running = null;
  guarded(() => sessionStorage && deleteSession(sessionStorage))();
  if (!current) return;
  current.exporter.withdraw();
  for (const stopObserving of current.stops) guarded(stopObserving)();
  current.provider.shutdown().catch(() => {});
}

function launch(config: RumConfig): Running {
  const path = location.pathname;
  const { session, previousPath } = recordPageView(sessionStorage, path, () => crypto.randomUUID());
  const exporter: RumExporter = new RumExporter({
    url: config.endpoint ?? "/v1/traces",
    token: config.token,
    receipt: () => receipt,
  });
  const receipt = receiptFor(config, session, () => running?.exporter === exporter);
  // Our own page-hide listener flushes instead, after web-vitals has settled CLS/INP/LCP.
  const batching: BatchSpanProcessorBrowserOptions = {
    exporter,
    disableAutoFlushOnDocumentHide: true,
    maxQueueSize: 500,
  };
  const provider = new TracerProvider({
    resource: defaultResource().merge(
      resourceFromAttributes({
        [ATTR.serviceName]: config.serviceName ?? "sightline-site",
        ...browserFacts(session.id),
      }),
    ),
    spanProcessors: [new PageStamp(), new BatchSpanProcessor(batching)],
  });
  const tracer = provider.getTracer("sightline-rum");
  const flush = () => provider.forceFlush().catch(() => {});
  const referrerPath = sameOriginPath(document.referrer);
  tracer
    .startSpan(SPAN.pageView, {
      attributes: {
        [ATTR.pageTitle]: document.title,
        [ATTR.pageSequence]: session.pages,
        ...(referrerPath ? { [ATTR.referrerPath]: referrerPath } : {}),
        ...(previousPath ? { [ATTR.previousPath]: previousPath } : {}),
      },
    })
    .end();
  observeWebVitals(tracer, () => running?.provider === provider);
  return {
    provider,
    exporter,
    stops: [observeResources(tracer), observeCtaClicks(tracer, flush), flushOnPageHide(flush)],
  };
}

/**
 * The tab's receipt: the stored one while it has a while to live, else a new one, kept with the
 * session. Revoked at once if the visitor withdrew while it was being issued.
 */
async function receiptFor(
  config: RumConfig,
  session: Session,
  live: () => boolean,
): Promise<string | undefined> {
  const stored = usableReceipt(session, Date.now());
  if (stored) return stored;
  const url = config.consentEndpoint ?? "/v1/consent";
  const issued = await requestReceipt({
    url,
    token: config.token,
    sessionId: session.id,
    policyVersion: config.policyVersion ?? CONSENT_VERSION,
    // Only an explicit "Accept all" starts the SDK where the browser sends GPC (consent.ts).
    gpcOptIn: (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl === true,
  });
  if (!issued) return undefined;
  if (!live()) {
    revokeReceipt(url, config.token, issued.receipt);
    return undefined;
  }
  guarded(() => saveReceipt(sessionStorage, session.id, issued.receipt, issued.expiresAt))();
  return issued.receipt;
}

/**
 * web-vitals listens on `window` in the capture phase, so this bubbling listener on `document`
 * runs after it has queued the final CLS/INP/LCP spans; the flush then uses a keepalive request.
 */
function flushOnPageHide(flush: () => void): () => void {
  const onVisibilityChange = guarded(() => document.visibilityState === "hidden" && flush());
  const onPageHide = guarded(flush);
  document.addEventListener("visibilitychange", onVisibilityChange);
  addEventListener("pagehide", onPageHide);
  return () => {
    document.removeEventListener("visibilitychange", onVisibilityChange);
    removeEventListener("pagehide", onPageHide);
  };
}

/** Only a referrer on this site is kept, and only its path. */
function sameOriginPath(referrer: string): string | undefined {
  if (!referrer) return undefined;
  const url = new URL(referrer);
  return url.origin === location.origin ? url.pathname : undefined;
}
