// The static resources a page loaded (scripts, styles, images, fonts) from its own origin, as
// spans timed like the Resource Timing entries. Requests made by code (fetch, XHR, beacons — the
// SDK's own exports among them) are not static resources and are skipped.
import type { Tracer } from "@opentelemetry/api";
import { ATTR, SPAN } from "../attributes.ts";
import { guarded } from "../guarded.ts";

const DYNAMIC_INITIATORS = new Set(["fetch", "xmlhttprequest", "beacon"]);

export function observeResources(tracer: Tracer): () => void {
  const observer = new PerformanceObserver(
    guarded((list: PerformanceObserverEntryList) => {
      for (const entry of list.getEntries() as PerformanceResourceTiming[]) recordResource(tracer, entry);
    }),
  );
  observer.observe({ type: "resource", buffered: true });
  return () => observer.disconnect();
}

function recordResource(tracer: Tracer, entry: PerformanceResourceTiming): void {
  if (DYNAMIC_INITIATORS.has(entry.initiatorType)) return;
  const url = new URL(entry.name);
  if (url.origin !== location.origin) return;
  const startTime = performance.timeOrigin + entry.startTime;
  tracer
    .startSpan(SPAN.resource, {
      startTime,
      attributes: {
        [ATTR.resourcePath]: url.pathname,
        [ATTR.resourceType]: entry.initiatorType,
        [ATTR.resourceSize]: entry.encodedBodySize,
        [ATTR.resourceDuration]: Math.round(entry.duration),
      },
    })
    .end(startTime + entry.duration);
}
