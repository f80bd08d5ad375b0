/**
 * How long a fail-open surface keeps admitting while the limiter is unreachable. Per isolate: the
 * grace starts at the first failure this isolate sees and ends at the first success. After it the
 * surface fails closed too, so an outage of the limiter is never an unlimited hole.
 */
export class FailOpenGrace {
  private failingSince: number | null = null;
  /** Requests admitted without a decision since the grace began (logged, for the on-call). */
  admittedUnlimited = 0;

  constructor(readonly graceMs: number) {}

  /** Records a failure at `now`; true while still within the grace. */
  admitDuringOutage(now: number): boolean {
    this.failingSince ??= now;
    if (now - this.failingSince >= this.graceMs) return false;
    this.admittedUnlimited += 1;
    return true;
  }

  recordSuccess(): void {
    this.failingSince = null;
    this.admittedUnlimited = 0;
  }
}
