import type { Quota } from "./policies.ts";

/**
 * A token bucket computed as GCRA (the generic cell rate algorithm): the whole state is one
 * number, the "theoretical arrival time" (TAT) at which the bucket would be full again. Each unit
 * pushes the TAT one emission interval (window / quota) later; a request is admitted while the
 * TAT stays within one window (the burst) of now. Compared with a fixed window there is no
 * boundary where two windows' worth can pass back to back; compared with a sliding log the state
 * is one integer per bucket, whatever the rate.
 *
 * Times are integer microseconds so that `quota` admissions at one instant are exact: the interval
 * is rounded up to a whole microsecond and the burst is quota × interval, which keeps every sum
 * an exact integer below 2^53 (the sustained rate is slower than quota/window by < 1 µs per unit).
 */
export type Admission = {
  allowed: boolean;
  /** The TAT to store (unchanged when refused). */
  tat: number;
  /** Whole units still available after this decision. */
  remaining: number;
  /** Seconds until more quota is available: this request's cost when refused, one unit otherwise (0 when full). */
  resetSeconds: number;
};

const MICROS = 1_000_000;

export function intervalMicros({ quota, windowSeconds }: Quota): number {
  return Math.ceil((windowSeconds * MICROS) / quota);
}

/**
 * Decides one request of `cost` units at `nowMicros` against a bucket whose stored TAT is
 * `storedTat` (null for a new bucket). The full cost is charged: a cost above the burst is never
 * admitted (capping it would let one huge request through for the price of a burst), so callers
 * refuse such requests up front (ingest answers 413 above the burst, routes/otlp.ts).
 */
export function admit(storedTat: number | null, quota: Quota, cost: number, nowMicros: number): Admission {
  const interval = intervalMicros(quota);
  const burst = quota.quota * interval;
  const tat = Math.max(storedTat ?? nowMicros, nowMicros);
  const nextTat = tat + cost * interval;
  const wait = nextTat - burst - nowMicros;
  if (wait > 0) {
    return {
      allowed: false,
      tat,
      remaining: unitsLeft(tat - nowMicros, interval, burst),
      resetSeconds: Math.ceil(wait / MICROS),
    };
  }
  return {
    allowed: true,
    tat: nextTat,
    remaining: unitsLeft(nextTat - nowMicros, interval, burst),
    resetSeconds: Math.ceil(untilNextUnit(nextTat - nowMicros, interval) / MICROS),
  };
}

/** The state of a bucket without spending anything (for the limits endpoint). */
export function inspect(
  storedTat: number | null,
  quota: Quota,
  nowMicros: number,
): Omit<Admission, "allowed"> {
  const interval = intervalMicros(quota);
  const debt = Math.max((storedTat ?? nowMicros) - nowMicros, 0);
  return {
    tat: storedTat ?? nowMicros,
    remaining: unitsLeft(debt, interval, quota.quota * interval),
    resetSeconds: Math.ceil(untilNextUnit(debt, interval) / MICROS),
  };
}

/** `debt` is how far the TAT is ahead of now: the part of the burst already spent. */
function unitsLeft(debt: number, interval: number, burst: number): number {
  return Math.floor((burst - debt) / interval);
}

/** Time until the spent part of the burst shrinks below the next whole unit. */
function untilNextUnit(debt: number, interval: number): number {
  return debt % interval === 0 ? Math.min(debt, interval) : debt % interval;
}
