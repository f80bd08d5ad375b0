/**
 * A module imported on first use and kept once loaded: later calls return it without another
 * `import()`, which costs a module-map lookup and promise hops on every call. A failed import is
 * not remembered: the next call tries again (as route families do, route-families.ts).
 */
export function lazyModule<T>(load: () => Promise<T>): () => T | Promise<T> {
  let loaded: T | undefined;
  return () => loaded ?? load().then((module) => (loaded = module));
}
