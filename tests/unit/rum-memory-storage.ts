// A Web Storage in memory, recording every write, for the RUM unit tests running in Node.
export class MemoryStorage implements Storage {
  readonly #items = new Map<string, string>();
  readonly writes: string[] = [];

  get length(): number {
    return this.#items.size;
  }
  clear(): void {
    this.writes.push("clear");
    this.#items.clear();
  }
  getItem(key: string): string | null {
    return this.#items.get(key) ?? null;
  }
  key(index: number): string | null {
    return [...this.#items.keys()][index] ?? null;
  }
  removeItem(key: string): void {
    this.writes.push(`remove ${key}`);
    this.#items.delete(key);
  }
  setItem(key: string, value: string): void {
    this.writes.push(`set ${key}`);
    this.#items.set(key, value);
  }
}
