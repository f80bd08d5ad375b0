// Query parameters shared by every telemetry read: a time range and a bucket size for series.
// Parsing returns values or the bad field and what it expected; the routes' query schemas
// (worker/src/routes/query-parameters.ts) turn that into 400.
import { DAY_MS } from "../retention/policy.ts";
import type { Result } from "../result.ts";
export type TimeRange = { from: Date; to: Date };
export type Parsed<T> = Result<{ value: T }, { field: string; expected: string; message: string }>;

/** The longest range a query may cover: the longest retention a plan can have, plus slack. */
const MAX_RANGE_MS = 400 * DAY_MS;
/** Series have at most this many buckets, whatever the range (a chart needs no more). */
const MAX_BUCKETS = 500;
/** The services overview's sparklines: at most this many steps (GET /services). */
export const SPARKLINE_BUCKETS = 30;
const STEPS_SECONDS = [60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86_400, 7 * 86_400];

export function parseTimeRange(
  query: Record<string, string | undefined>,
  now = Date.now(),
): Parsed<TimeRange> {
  const to = query.to === undefined ? new Date(now) : new Date(query.to);
  if (Number.isNaN(to.getTime())) return invalid("to", "an ISO-8601 time");
  const from = query.from === undefined ? new Date(to.getTime() - DAY_MS) : new Date(query.from);
  if (Number.isNaN(from.getTime())) return invalid("from", "an ISO-8601 time");
  if (from >= to) return invalid("from", "a time before to");
  if (to.getTime() - from.getTime() > MAX_RANGE_MS) return invalid("from", "at most 400 days before to");
  return { ok: true, value: { from, to } };
}

/** The smallest of the usual bucket sizes that keeps the range within `buckets` buckets. */
export function stepFor(range: TimeRange, buckets: number): number {
  const spanSeconds = (range.to.getTime() - range.from.getTime()) / 1000;
  return STEPS_SECONDS.find((step) => spanSeconds / step <= buckets) ?? 7 * 86_400;
}

const HOUR_MS = 3_600_000;

/**
 * Where a rollup read turns from hour rows to minute rows (ms): when the steps are whole hours from
 * a whole hour, every whole hour of the range lies inside one step, so the hours up to the one
 * holding `to` can come from an hour rollup and only the last, partial hour from minutes.
 * Otherwise `from`: minutes all along.
 */
export function hourRowsUntil(range: TimeRange, stepSeconds: number): number {
  const [from, to] = [range.from.getTime(), range.to.getTime()];
  const hourly = from % HOUR_MS === 0 && (stepSeconds * 1000) % HOUR_MS === 0;
  return hourly ? Math.max(from, Math.floor(to / HOUR_MS) * HOUR_MS) : from;
}

/** A bucket size in seconds: the one asked for, else the smallest that keeps ≤ ~100 buckets. */
export function parseStep(text: string | undefined, range: TimeRange): Parsed<number> {
  const spanSeconds = (range.to.getTime() - range.from.getTime()) / 1000;
  if (text === undefined) return { ok: true, value: stepFor(range, 100) };
  const step = Number(text);
  if (!Number.isInteger(step) || step < 60) return invalid("step", "a whole number of seconds, at least 60");
  if (spanSeconds / step > MAX_BUCKETS)
    return invalid("step", `large enough for at most ${MAX_BUCKETS} buckets`);
  return { ok: true, value: step };
}

export function invalid(field: string, expected: string): Extract<Parsed<never>, { ok: false }> {
  return { ok: false, field, expected, message: `${field} must be ${expected}` };
}
