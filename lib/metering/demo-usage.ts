// Demo usage for a new installation, sent through the same ingest path as the API (in batches of
// 1,000): a month of Acme's API calls, LLM calls on several models, daily storage snapshots and
// active users, so the usage pages have data out of the box; and a burst of Globex API calls
// during its trial that crosses 80 % of the Starter plan's 10,000-call limit, so an alert shows.
// Deterministic (a seeded generator), a few thousand events: it keeps `npm start` quick.
import "server-only";
import { ingestEvents, type UsageEventInput } from "./ingest-events";
import { invalidateMeters } from "./meters";

const MODELS = [
  { model: "gpt-4", weight: 3 },
  { model: "gpt-3.5-turbo", weight: 5 },
  { model: "claude-3", weight: 2 },
  { model: "gemini-pro", weight: 2 },
];

function generator(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function send(orgId: string, events: UsageEventInput[]) {
  for (let i = 0; i < events.length; i += 1000) await ingestEvents(orgId, events.slice(i, i + 1000), { via: "seed" });
}

export async function seedDemoUsage(ctx: { acmeId: string; globexId: string; now: Date }): Promise<void> {
  invalidateMeters();
  const random = generator(42);
  const now = ctx.now.getTime();
  const day = 86_400_000;
  const acme: UsageEventInput[] = [];
  for (let d = 29; d >= 0; d--) {
    const dayStart = now - d * day;
    const weekday = new Date(dayStart).getUTCDay();
    const busy = weekday === 0 || weekday === 6 ? 0.5 : 1;
    const calls = Math.round((60 + 40 * random() + (29 - d) * 2) * busy);
    for (let i = 0; i < calls; i++) {
      const ts = new Date(Math.min(now - 60_000, dayStart - day + random() * day));
      acme.push({
        eventId: `seed-acme-api-${d}-${i}`,
        eventName: "api_call",
        timestamp: ts,
        properties: { route: random() < 0.7 ? "/v1/generate" : "/v1/search" },
        source: "demo",
      });
    }
    const llm = Math.round((18 + 10 * random()) * busy);
    for (let i = 0; i < llm; i++) {
      let pick = random() * MODELS.reduce((a, m) => a + m.weight, 0);
      const model = MODELS.find((m) => (pick -= m.weight) < 0)?.model ?? "gpt-3.5-turbo";
      const ts = new Date(Math.min(now - 60_000, dayStart - day + random() * day));
      acme.push({
        eventId: `seed-acme-llm-${d}-${i}`,
        eventName: "llm_call",
        timestamp: ts,
        properties: {
          model,
          input_tokens: String(Math.round(400 + random() * 2400)),
          output_tokens: String(Math.round(80 + random() * 900)),
        },
        source: "demo",
      });
    }
    acme.push({
      eventId: `seed-acme-storage-${d}`,
      eventName: "storage_snapshot",
      timestamp: new Date(Math.min(now - 60_000, dayStart - day / 2)),
      properties: { gb: (8 + (29 - d) * 0.2 + random()).toFixed(2) },
      source: "demo",
    });
    const users = Math.round(8 + random() * 10);
    for (let i = 0; i < users; i++) {
      acme.push({
        eventId: `seed-acme-user-${d}-${i}`,
        eventName: "user_active",
        timestamp: new Date(Math.min(now - 60_000, dayStart - day + random() * day)),
        properties: { user_id: `user-${1 + Math.floor(random() * 25)}` },
        source: "demo",
      });
    }
  }
  await send(ctx.acmeId, acme);

  // Globex's trial started at `now`: its calls land in the trial's first hour.
  const start = Math.floor(now / 3_600_000) * 3_600_000;
  const globex: UsageEventInput[] = [];
  for (let i = 0; i < 8_200; i++) {
    globex.push({
      eventId: `seed-globex-api-${i}`,
      eventName: "api_call",
      timestamp: new Date(start + Math.floor(((now - start) * i) / 8_200)),
      properties: { route: "/v1/generate" },
      source: "demo",
    });
  }
  await send(ctx.globexId, globex);
}
