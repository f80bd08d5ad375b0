// LCP, FCP, CLS, INP and TTFB through Google's web-vitals (standard build: the LCP element and the
// INP target come from the metric's own entries, which is all the attribution build would add
// that we keep). CLS, INP and LCP settle when the page is hidden; see index.ts for the flush order.
import type { Tracer } from "@opentelemetry/api";
import { onCLS, onFCP, onINP, onLCP, onTTFB, type Metric } from "web-vitals";
import { ATTR, SPAN } from "../attributes.ts";
import { guarded } from "../guarded.ts";
import { selectorOf } from "../selector.ts";

/** web-vitals has no unsubscribe: `isActive` turns the callbacks into no-ops after withdrawal. */
export function observeWebVitals(tracer: Tracer, isActive: () => boolean): void {
  const report = guarded((metric: Metric) => {
    if (!isActive()) return;
    const target = selectorOf(targetOf(metric));
    tracer
      .startSpan(SPAN.webVital, {
        attributes: {
          [ATTR.vitalName]: metric.name,
          [ATTR.vitalValue]: metric.value,
          [ATTR.vitalRating]: metric.rating,
          ...(target ? { [ATTR.vitalTarget]: target } : {}),
        },
      })
      .end();
  });
  for (const observe of [onLCP, onFCP, onCLS, onINP, onTTFB]) observe(report);
}

function targetOf(metric: Metric): Element | null | undefined {
  if (metric.name === "LCP") return (metric.entries.at(-1) as LargestContentfulPaint | undefined)?.element;
  if (metric.name === "INP")
    return (metric.entries[0] as PerformanceEventTiming | undefined)?.target as Element | null;
  return undefined;
}
