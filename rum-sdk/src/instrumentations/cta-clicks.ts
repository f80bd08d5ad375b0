// Clicks on elements that declare `data-sightline-cta="<name>"` (the Sign-up and Demo calls to
// action), and nothing else: no other clicks, no coordinates, no text.
import type { Tracer } from "@opentelemetry/api";
import { ATTR, SPAN } from "../attributes.ts";
import { guarded } from "../guarded.ts";

export function observeCtaClicks(tracer: Tracer, afterClick: () => void): () => void {
  const listener = guarded((event: Event) => {
    const cta =
      event.target instanceof Element ? event.target.closest<HTMLElement>("[data-sightline-cta]") : null;
    if (!cta) return;
    tracer.startSpan(SPAN.ctaClick, { attributes: { [ATTR.ctaName]: cta.dataset.sightlineCta } }).end();
    afterClick();
  });
  document.addEventListener("click", listener, { capture: true });
  return () => document.removeEventListener("click", listener, { capture: true });
}
