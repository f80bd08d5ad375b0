// The time range of the telemetry pages, kept in the URL so a view can be shared and reloaded:
// ?range=15m|1h|6h|24h|7d (relative to now), or ?from=…&to=… (custom, ISO times), and
// ?refresh=30|60|300 (seconds) to reload the view on a timer while the tab is visible.
import { stepFor } from "../../../worker/src/query/time-range.ts";

export const RANGES = {
  "15m": 900_000,
  "1h": 3600_000,
  "6h": 6 * 3600_000,
  "24h": 86_400_000,
  "7d": 7 * 86_400_000,
} as const;
export type RangeName = keyof typeof RANGES | "custom";

export function currentRange(): { name: RangeName; from: number; to: number } {
  const params = new URLSearchParams(location.search);
  const from = Date.parse(params.get("from") ?? "");
  const to = Date.parse(params.get("to") ?? "");
  if (from < to) return { name: "custom", from, to };
  const asked = params.get("range");
  const name = asked && asked in RANGES ? (asked as keyof typeof RANGES) : "24h";
  const now = Date.now();
  return { name, from: now - RANGES[name], to: now };
}

/** ?from=…&to=… for the API. */
export function rangeQuery(range: { from: number; to: number }): string {
  return `from=${new Date(range.from).toISOString()}&to=${new Date(range.to).toISOString()}`;
}

/**
 * ?from=…&to=… for one trace seen at `at` (its root's start, one of its log records): a day either
 * side holds every span of any trace shorter than a day, and lets the API read two or three day
 * partitions instead of every day the tenant keeps (GET /traces/:traceId, docs/query.md).
 */
export function traceWindowQuery(at: number): string {
  return rangeQuery({ from: at - RANGES["24h"], to: at + RANGES["24h"] });
}

/** Buckets per chart: the API's own default, so a stepped chart looks the same as before. */
const CHART_STEPS = 100;

/**
 * A chart's range and step: the step the API would choose, and `from` moved back to a whole
 * multiple of it (UTC). The buckets then stay put from one refresh to the next instead of sliding
 * with the clock, and a chart whose steps are whole hours starts on a whole hour, which is what
 * lets the API answer it from hourly rollups rather than minutes (GET /logs/severity, GET /services).
 */
export function steppedRange(
  range: { from: number; to: number },
  buckets = CHART_STEPS,
): { from: number; to: number; step: number } {
  const step = stepFor({ from: new Date(range.from), to: new Date(range.to) }, buckets);
  const stepMs = step * 1000;
  return { from: Math.floor(range.from / stepMs) * stepMs, to: range.to, step };
}

/** ?from=…&to=…&step=… for a stepped chart (see steppedRange). */
export function steppedQuery(range: { from: number; to: number; step: number }): string {
  return `${rangeQuery(range)}&step=${range.step}`;
}

/** Replaces the given URL parameters (undefined or "" removes one) without a reload. */
export function setUrlParams(values: Record<string, string | string[] | undefined>): void {
  const url = new URL(location.href);
  for (const [name, value] of Object.entries(values)) {
    url.searchParams.delete(name);
    for (const item of [value ?? []].flat()) if (item) url.searchParams.append(name, item);
  }
  history.replaceState(null, "", url);
}

const localInput = (ms: number) => {
  const date = new Date(ms);
  return new Date(ms - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

let timer: ReturnType<typeof setInterval> | undefined;

/**
 * Wires the RangeFilter component (#range, #range-from, #range-to, #refresh) to the URL; `onChange`
 * runs after every change and on each auto-refresh tick.
 */
export function bindRangeSelect(select: HTMLSelectElement, onChange: () => void): void {
  const custom = document.querySelector<HTMLElement>("#range-custom");
  const fromInput = document.querySelector<HTMLInputElement>("#range-from");
  const toInput = document.querySelector<HTMLInputElement>("#range-to");
  const refresh = document.querySelector<HTMLSelectElement>("#refresh");
  const range = currentRange();
  select.value = range.name;
  if (custom && fromInput && toInput) {
    custom.hidden = range.name !== "custom";
    fromInput.value = localInput(range.from);
    toInput.value = localInput(range.to);
    const applyCustom = () => {
      const from = new Date(fromInput.value).getTime();
      const to = new Date(toInput.value).getTime();
      if (!(from < to)) return;
      setUrlParams({ range: undefined, from: new Date(from).toISOString(), to: new Date(to).toISOString() });
      onChange();
    };
    fromInput.addEventListener("change", applyCustom);
    toInput.addEventListener("change", applyCustom);
  }
  select.addEventListener("change", () => {
    if (select.value === "custom") {
      if (custom) custom.hidden = false;
      return;
    }
    if (custom) custom.hidden = true;
    setUrlParams({ range: select.value, from: undefined, to: undefined });
    onChange();
  });
  if (refresh) {
    refresh.value = new URLSearchParams(location.search).get("refresh") ?? "";
    const schedule = () => {
      clearInterval(timer);
      const seconds = Number(refresh.value);
      if (seconds > 0)
        timer = setInterval(() => {
          if (document.visibilityState === "visible") onChange();
        }, seconds * 1000);
    };
    refresh.addEventListener("change", () => {
      setUrlParams({ refresh: refresh.value });
      schedule();
    });
    schedule();
  }
}
