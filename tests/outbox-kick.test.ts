// The outbox's immediate run after an enqueue made inside a transaction (issue 15, item 11).
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { db, pipelinedTransaction } from "@/lib/db/client";
import { jobs } from "@/lib/db/schema";
import { resetEnvCache } from "@/lib/env";
import { enqueue, registerOutboxHandler } from "@/lib/jobs/outbox";
import { uid } from "./support/fixtures";
import { captureLogAsync } from "./support/log";

const ran: string[] = [];
registerOutboxHandler("test_kick", async (job) => {
  ran.push(String(job.payload.tag));
});

const ERROR_LEVELS = new Set(["error", "fatal"]);

describe("the outbox's immediate run", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    resetEnvCache();
  });

  it.each([
    [
      "db.transaction",
      (work: (tx: Parameters<typeof enqueue>[0]) => Promise<void>) => db.transaction((tx) => work(tx)),
    ],
    [
      "pipelinedTransaction",
      (work: (tx: Parameters<typeof enqueue>[0]) => Promise<void>) => pipelinedTransaction(({ tx }) => work(tx)),
    ],
  ])("runs work enqueued inside %s within a second (no poller here), logging no error", async (name, transaction) => {
    // Tests never kick (NODE_ENV=test); the server does.
    vi.stubEnv("NODE_ENV", "production");
    resetEnvCache();
    const tag = uid();
    const started = performance.now();
    let ms = 0;
    const lines = await captureLogAsync(async () => {
      await transaction((tx) => enqueue(tx, { kind: "test_kick", payload: { tag }, dedupeKey: `kick:${tag}` }));
      // JOBS_ENABLED=false in tests: no one-second poll, so only the kick can run it.
      await expect.poll(() => ran.includes(tag), { timeout: 1000, interval: 20 }).toBe(true);
      ms = performance.now() - started;
      await expect
        .poll(
          async () =>
            (
              await db
                .select({ status: jobs.status })
                .from(jobs)
                .where(eq(jobs.dedupeKey, `kick:${tag}`))
            )[0]?.status,
        )
        .toBe("done");
    });
    const errors = lines
      .map((l) => JSON.parse(l) as { level: string; msg: string })
      .filter((l) => ERROR_LEVELS.has(l.level) || l.msg.includes("outbox run failed"));
    expect(errors).toEqual([]);
    console.info(`outbox kick after a commit (${name}): ran in ${Math.round(ms)} ms`);
  });
});
