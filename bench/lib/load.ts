// Closed-loop load: `concurrency` workers each send a request as soon as their last one answered,
// for `seconds`. Reports throughput and latency percentiles of the successful requests.
export type LoadResult = {
  requests: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  errorSamples: string[];
};

export async function closedLoop(opts: {
  concurrency: number;
  seconds: number;
  request: (worker: number, i: number) => Promise<{ status: number; ok: boolean }>;
}): Promise<LoadResult> {
  const latencies: number[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  const deadline = performance.now() + opts.seconds * 1000;
  const started = performance.now();
  let counter = 0;
  await Promise.all(
    Array.from({ length: opts.concurrency }, async (_, w) => {
      while (performance.now() < deadline) {
        const t = performance.now();
        try {
          const res = await opts.request(w, counter++);
          if (res.ok) latencies.push(performance.now() - t);
          else {
            errors++;
            if (errorSamples.length < 3) errorSamples.push(`HTTP ${res.status}`);
          }
        } catch (e) {
          errors++;
          if (errorSamples.length < 3) errorSamples.push(String(e));
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies.length
      ? Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]! * 100) / 100
      : 0;
  return {
    requests: latencies.length,
    errors,
    seconds: Math.round(seconds * 10) / 10,
    perSecond: Math.round(latencies.length / seconds),
    p50: pct(50),
    p95: pct(95),
    p99: pct(99),
    max: pct(100),
    errorSamples,
  };
}
