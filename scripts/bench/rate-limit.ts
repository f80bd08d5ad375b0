// Rate limiter figures for `npm run bench`: the latency one limiter decision adds to a request
// (p50/p99, the same route with and without it, interleaved in one run) and how many decisions
// per second one key's object serves before it overloads. Loopback only, bounded in time.
// Needs the Worker started with BENCH=1 (enables /api/bench/*, see worker/src/routes/bench.ts).

import type { BenchRow } from "./report.ts";

const LATENCY_SAMPLES = 1_500; // per variant
const LATENCY_BUDGET_MS = 20_000;
const FLOOD_MS = 3_000;
const FLOOD_CONCURRENCY = 32;

export async function benchRateLimit(baseUrl: string): Promise<BenchRow[]> {
  const url = (path: string) => new URL(`/api/bench/limiter${path}`, baseUrl).toString();
  const probe = await fetch(url("?limited=0"), { method: "POST" });
  if (probe.status !== 204) {
    return [
      {
        metric: "rate limiter",
        value: `skipped: /api/bench answered ${probe.status} (run the Worker with BENCH=1)`,
      },
    ];
  }
  const key = `run-${Date.now()}`;
  const latency = await measureAddedLatency(url, key);
  const http = await flood(url(`?limited=1&key=${key}-flood`));
  const inside = await Promise.all(
    [1, 32].map(async (concurrency) => {
      const response = await fetch(
        url(`/object?key=${key}-object-${concurrency}&calls=5000&concurrency=${concurrency}`),
        {
          method: "POST",
        },
      );
      return { concurrency, ...((await response.json()) as { calls: number; failed: number; ms: number }) };
    }),
  );
  return [
    {
      metric: "route p50 without / with limiter (ms)",
      value: `${fmt(latency.off.p50)} / ${fmt(latency.on.p50)}`,
    },
    {
      metric: "route p99 without / with limiter (ms)",
      value: `${fmt(latency.off.p99)} / ${fmt(latency.on.p99)}`,
    },
    {
      metric: "limiter added latency p50 / p99 (ms)",
      value: `${fmt(latency.on.p50 - latency.off.p50)} / ${fmt(latency.on.p99 - latency.off.p99)} (${latency.samples} samples each)`,
    },
    {
      metric: `one key over HTTP, ${FLOOD_CONCURRENCY} concurrent (req/s)`,
      value: `${Math.round(http.perSecond)} (statuses ${JSON.stringify(http.statuses)})`,
    },
    ...inside.map(({ concurrency, calls, failed, ms }) => ({
      metric: `one key's object from the Worker, ${concurrency} in flight (decisions/s)`,
      value: `${Math.round((calls / Math.max(ms, 1)) * 1000)} (${calls} calls in ${ms} ms, ${failed} failed/overloaded)`,
    })),
  ];
}

/** Alternates the two variants request by request so drift (GC, other load) hits both alike. */
async function measureAddedLatency(url: (path: string) => string, key: string) {
  const variants = { off: url("?limited=0"), on: url(`?limited=1&key=${key}`) };
  const timings = { off: [] as number[], on: [] as number[] };
  for (let i = 0; i < 100; i++) await time(variants.on).then(() => time(variants.off)); // warm up
  const deadline = performance.now() + LATENCY_BUDGET_MS;
  for (let i = 0; i < LATENCY_SAMPLES && performance.now() < deadline; i++) {
    for (const variant of i % 2 ? (["off", "on"] as const) : (["on", "off"] as const)) {
      timings[variant].push(await time(variants[variant]));
    }
  }
  return { off: percentiles(timings.off), on: percentiles(timings.on), samples: timings.on.length };
}

async function time(target: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(target, { method: "POST" });
  await response.arrayBuffer();
  if (response.status !== 204) throw new Error(`${target} answered ${response.status}`);
  return performance.now() - started;
}

/** Requests to one key's object as fast as FLOOD_CONCURRENCY clients can send them. */
async function flood(target: string) {
  const statuses: Record<number, number> = {};
  let done = 0;
  const deadline = performance.now() + FLOOD_MS;
  const client = async () => {
    while (performance.now() < deadline) {
      const response = await fetch(target, { method: "POST" });
      await response.arrayBuffer();
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      done++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: FLOOD_CONCURRENCY }, client));
  return { perSecond: (done / (performance.now() - started)) * 1000, statuses };
}

function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: at(0.5), p99: at(0.99) };
}

const fmt = (ms: number) => ms.toFixed(3);
