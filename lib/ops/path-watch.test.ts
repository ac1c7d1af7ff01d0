import { describe, expect, it } from "vitest";
import { PATH_STUCK_AFTER_MS, PathWatch, TIMED_OUT, pathHealth, within } from "./path-watch";

describe("PathWatch", () => {
  it("counts work as running until it settles, whether it succeeds or fails", async () => {
    const watch = new PathWatch();
    let finish!: () => void;
    let fail!: (e: Error) => void;
    const ok = watch.track(new Promise<void>((r) => (finish = r)));
    const bad = watch.track(new Promise<void>((_, j) => (fail = j)));
    expect(watch.state([]).in_flight).toBe(2);
    finish();
    fail(new Error("x"));
    await ok;
    await bad.catch(() => {});
    expect(watch.state([]).in_flight).toBe(0);
  });

  it("reports a path stuck once a caller has waited past the bound for a slot, and not before", () => {
    const watch = new PathWatch();
    const now = 1_000_000;
    expect(pathHealth(watch.state([{ since: now - 1_000 }], now)).status).toBe("ok");
    expect(pathHealth(watch.state([{ since: now - PATH_STUCK_AFTER_MS - 1 }], now))).toMatchObject({
      status: "stuck",
      waiting: 1,
    });
  });
});

describe("within", () => {
  it("gives up on work that never settles, and passes on what settles in time", async () => {
    expect(await within(new Promise(() => {}), 20)).toBe(TIMED_OUT);
    expect(await within(Promise.resolve(7), 1_000)).toBe(7);
    await expect(within(Promise.reject(new Error("no")), 1_000)).rejects.toThrow("no");
  });
});
