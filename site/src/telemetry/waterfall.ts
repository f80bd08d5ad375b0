// The waterfall's row order: depth-first from the roots, children by start time. A span whose
// parent is not in the trace (not received, or sent by another service) counts as a root.
export type WaterfallSpan = { spanId: string; parentSpanId: string | null; startTime: string };

/** Depth-first order with each span's depth; spans whose parent is missing count as roots. */
export function waterfallOrder<S extends WaterfallSpan>(spans: S[]): { span: S; depth: number }[] {
  const ids = new Set(spans.map((span) => span.spanId));
  const children = new Map<string | null, S[]>();
  for (const span of spans) {
    const parent = span.parentSpanId && ids.has(span.parentSpanId) ? span.parentSpanId : null;
    const siblings = children.get(parent);
    if (siblings) siblings.push(span);
    else children.set(parent, [span]);
  }
  const ordered: { span: S; depth: number }[] = [];
  const visit = (parent: string | null, depth: number) => {
    const list = (children.get(parent) ?? []).sort(
      (a, b) => Date.parse(a.startTime) - Date.parse(b.startTime),
    );
    for (const span of list) {
      ordered.push({ span, depth });
      visit(span.spanId, depth + 1);
    }
  };
  visit(null, 0);
  return ordered;
}
