// A bounded closed-loop load generator for loopback servers: N concurrent callers for a fixed
// time, recording each request's latency. Only ever pointed at 127.0.0.1/localhost.
export type LoadResult = { requests: number; errors: number; rps: number; p50: number; p99: number };

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function measure(
  url: string,
  options: { durationMs?: number; concurrency?: number; init?: () => RequestInit } = {},
): Promise<LoadResult> {
  const { hostname } = new URL(url);
  if (!["127.0.0.1", "localhost", "[::1]"].includes(hostname))
    throw new Error(`refusing to load ${hostname}`);
  const durationMs = options.durationMs ?? 4_000;
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  const caller = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        const response = await fetch(url, options.init?.());
        await response.arrayBuffer();
        if (response.status >= 500) errors++;
        latencies.push(performance.now() - t0);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, caller));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    rps: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

/** Warms a route up (JIT, connection pools) before it is measured. */
export async function warmUp(url: string, init?: () => RequestInit): Promise<void> {
  await measure(url, { durationMs: 500, concurrency: 2, init });
}
