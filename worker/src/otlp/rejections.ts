// Counts what a batch could not store, for OTLP partial success (rejected_* + error_message).
export type Mapped<Row> = { rows: Row[]; rejected: number; errorMessage: string };

/** The error message names each distinct reason once, with its count, not one line per item. */
export class Rejections {
  readonly #reasons = new Map<string, number>();
  #total = 0;

  add(reason: string, count = 1): void {
    this.#total += count;
    this.#reasons.set(reason, (this.#reasons.get(reason) ?? 0) + count);
  }

  summary(items: string): { rejected: number; errorMessage: string } {
    const reasons = [...this.#reasons].map(([reason, count]) => `${count} ${reason}`).join("; ");
    return {
      rejected: this.#total,
      errorMessage: this.#total ? `${this.#total} ${items} rejected: ${reasons}` : "",
    };
  }
}
