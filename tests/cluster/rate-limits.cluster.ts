// An API key's rate limit across three replicas behind HAProxy (scripts/cluster.mjs): each replica
// holds its share of the limit in memory — the rate divided by the replicas it hears on Postgres,
// the burst divided and rounded up — with no database work per request. The claim measured here
// (docs/cluster.md): over any t seconds the cluster admits at most burst + (N − 1) + rate × t of one
// key's requests, and, hammered through the round-robin balancer, at least 90 % of rate × t; a key
// sending to one replica only gets about a third; another key is not slowed; a replica killed
// leaves the others dividing by three for at most 3 s (fewer admitted, never more), then by two.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLUSTER_KEY, dropClusterDatabase, startCluster } from "@/scripts/cluster.mjs";

const DATABASE = "h_rl_cluster_rate_limits";
type Cluster = Awaited<ReturnType<typeof startCluster>>;
let cluster: Cluster;
const run = Date.now().toString(36);
const LIMIT = { perSecond: 40, burst: 20 };

async function status(base: string, key: string): Promise<{ status: number; retryAfter: string | null }> {
  const res = await fetch(`${base}/api/v1/credits`, { headers: { authorization: `Bearer ${key}` } });
  await res.arrayBuffer();
  return { status: res.status, retryAfter: res.headers.get("retry-after") };
}

/** `workers` loops sending with `key` to `base` for `ms`; the answers, and the window they were admitted in. */
async function hammer(base: string, key: string, ms: number, workers = 12) {
  const started = Date.now();
  const answers: { status: number; retryAfter: string | null }[] = [];
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (Date.now() - started < ms) answers.push(await status(base, key));
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  const accepted = answers.filter((a) => a.status === 200).length;
  return { answers, accepted, seconds, refused: answers.filter((a) => a.status === 429) };
}

const upperBound = (seconds: number, replicas: number) => LIMIT.burst + (replicas - 1) + LIMIT.perSecond * seconds;

async function liveReplicasSeenBy(url: string): Promise<number> {
  await status(url, CLUSTER_KEY); // a keyed request: the replica counts the replicas it hears
  const text = await (await fetch(`${url}/api/metrics`)).text();
  return Number(/^tally_live_replicas (\d+)/m.exec(text)?.[1] ?? NaN);
}

async function newKey(orgId: string, name: string, rateLimit = LIMIT): Promise<string> {
  const { createApiKey } = await import("@/lib/auth/api-keys");
  return (await createApiKey({ scope: "customer", orgId, name, createdByUserId: null, rateLimit })).key;
}

let orgId = "";
beforeAll(async () => {
  cluster = await startCluster({ replicas: 3, database: DATABASE });
  // The library's key maker on the cluster's database.
  process.env.DATABASE_URL = cluster.databaseUrl;
  const res = await fetch(`${cluster.url}/api/v1/customers`, {
    method: "POST",
    headers: { authorization: `Bearer ${CLUSTER_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "Rate limited", external_id: `rl-${run}` }),
  });
  orgId = ((await res.json()) as { id: string }).id;
}, 300_000);

afterAll(async () => {
  await cluster?.stop();
  await dropClusterDatabase(DATABASE);
}, 60_000);

describe("a key's rate limit on three replicas", () => {
  it("is known to every replica: each hears the three", async () => {
    for (const r of cluster.replicas) expect(await liveReplicasSeenBy(r.url)).toBe(3);
  });

  it("holds across the replicas within burst + 2 + rate × t, and another key is not slowed", async () => {
    const key = await newKey(orgId, "hammered");
    const other = await newKey(orgId, "quiet");
    const quiet: number[] = [];
    const [load] = await Promise.all([
      hammer(cluster.url, key, 6_000),
      (async () => {
        // 10 requests a second, a quarter of its limit, while the other key is hammered.
        for (let i = 0; i < 50; i++) {
          quiet.push((await status(cluster.url, other)).status);
          await new Promise((r) => setTimeout(r, 100));
        }
      })(),
    ]);
    const bound = upperBound(load.seconds, 3);
    console.log(
      `through HAProxy: ${load.answers.length} requests in ${load.seconds.toFixed(2)} s, ${load.accepted} accepted ` +
        `(limit ${LIMIT.perSecond}/s, burst ${LIMIT.burst}: at most ${bound.toFixed(0)}, ` +
        `rate × t ${(LIMIT.perSecond * load.seconds).toFixed(0)}), ${load.refused.length} refused 429`,
    );
    expect(load.answers.length).toBeGreaterThan(2 * bound); // far over the limit, on every replica
    expect(load.accepted).toBeLessThanOrEqual(bound);
    expect(load.accepted).toBeGreaterThanOrEqual(0.9 * LIMIT.perSecond * load.seconds);
    expect(load.answers.every((a) => a.status === 200 || a.status === 429)).toBe(true);
    for (const r of load.refused) expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(quiet.filter((s) => s !== 200)).toEqual([]);
  });

  it("gives a key sending to one replica only about that replica's third (stricter, never looser)", async () => {
    const key = await newKey(orgId, "one replica");
    const load = await hammer(cluster.replicas[0]!.url, key, 4_000, 6);
    const share = Math.ceil(LIMIT.burst / 3) + (LIMIT.perSecond / 3) * load.seconds;
    console.log(
      `one replica only: ${load.accepted} accepted in ${load.seconds.toFixed(2)} s (its share ${share.toFixed(0)})`,
    );
    expect(load.accepted).toBeLessThanOrEqual(share + 1);
    expect(load.accepted).toBeGreaterThanOrEqual(0.9 * (LIMIT.perSecond / 3) * load.seconds);
  });

  it("after a replica dies, the other two admit less for at most 3 s, then the whole limit again", async () => {
    const key = await newKey(orgId, "after the kill");
    const dead = cluster.replicas[2]!;
    await dead.kill();
    const killedAt = Date.now();
    // Until HAProxy has taken it out (two failed checks 300 ms apart), some requests still try it.
    await new Promise((r) => setTimeout(r, 1_000));
    const load = await hammer(cluster.url, key, 6_000);
    const recovered = await Promise.all(cluster.replicas.slice(0, 2).map((r) => liveReplicasSeenBy(r.url)));
    console.log(
      `after the kill: each survivor counts ${recovered.join(", ")} replicas ${((Date.now() - killedAt) / 1000).toFixed(1)} s later; ` +
        `${load.accepted} accepted in ${load.seconds.toFixed(2)} s (at most ${upperBound(load.seconds, 2).toFixed(0)})`,
    );
    expect(recovered).toEqual([2, 2]);
    // Never more than two replicas' shares could give, even while they still divided by three.
    expect(load.accepted).toBeLessThanOrEqual(upperBound(load.seconds, 2));
    // At most the first 2 s of the window at two thirds of the rate, the rest at the whole of it.
    expect(load.accepted).toBeGreaterThanOrEqual(0.9 * LIMIT.perSecond * (load.seconds - 2 / 3));
  });
});
