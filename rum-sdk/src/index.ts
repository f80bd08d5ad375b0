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
import { deleteSession, recordPageView } from "./session.ts";

export type RumConfig = {
  /** A frontend ingest token of the tenant that receives the data. */
  token: string;
  /** OTLP/HTTP traces endpoint; the Worker's own by default. */
  endpoint?: string;
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
  const exporter = new RumExporter({ url: config.endpoint ?? "/v1/traces", token: config.token });
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
