// The time range picker shared by the telemetry pages: last hour, day or week, kept in the URL
// (?range=1h|24h|7d) so a view can be shared and reloaded.
export const RANGES = { "1h": 3600_000, "24h": 86_400_000, "7d": 7 * 86_400_000 } as const;
export type RangeName = keyof typeof RANGES;

export function currentRange(): { name: RangeName; from: number; to: number } {
  const asked = new URLSearchParams(location.search).get("range");
  const name: RangeName = asked && asked in RANGES ? (asked as RangeName) : "24h";
  const to = Date.now();
  return { name, from: to - RANGES[name], to };
}

/** ?from=…&to=… for the API. */
export function rangeQuery(range: { from: number; to: number }): string {
  return `from=${new Date(range.from).toISOString()}&to=${new Date(range.to).toISOString()}`;
}

/** Wires a <select id="range"> to the URL. */
export function bindRangeSelect(select: HTMLSelectElement, onChange: () => void): void {
  select.value = currentRange().name;
  select.addEventListener("change", () => {
    const url = new URL(location.href);
    url.searchParams.set("range", select.value);
    history.replaceState(null, "", url);
    onChange();
  });
}
