/** Unix nanoseconds → an ISO-8601 UTC string with microseconds, what a timestamptz(6) keeps. */
export function isoFromNanos(nanos: bigint): string {
  const micros = nanos / 1000n;
  const iso = new Date(Number(micros / 1000n)).toISOString();
  return `${iso.slice(0, -1)}${(micros % 1000n).toString().padStart(3, "0")}Z`;
}

/** The latest time we accept (now + a day of clock skew); later times are rejected, not stored. */
export function latestAcceptedNanos(now: number): bigint {
  return BigInt(now + 86_400_000) * 1_000_000n;
}
