import { afterEach, describe, expect, it, vi } from "vitest";
import { catalogCopy } from "./catalog-copy";

/** A load the test answers by hand: each call waits until `answer(value)` or `fail(err)`. */
function handLoad() {
  const pending: { resolve: (v: string) => void; reject: (e: Error) => void }[] = [];
  const load = vi.fn(() => new Promise<string>((resolve, reject) => pending.push({ resolve, reject })));
  return {
    load,
    answer: (v: string) => pending.shift()!.resolve(v),
    fail: (e: Error) => pending.shift()!.reject(e),
    waiting: () => pending.length,
  };
}
const settle = () => new Promise((r) => setTimeout(r, 0));
let clock = 1_000_000;
let names = 0;
const copyOf = (load: ReturnType<typeof handLoad>["load"]) => catalogCopy(`test.${names++}`, load, 5_000);

afterEach(() => vi.restoreAllMocks());

/** A copy on the test's clock whose first read has answered `value`. */
async function loadedWith(value: string) {
  vi.spyOn(Date, "now").mockImplementation(() => clock);
  const h = handLoad();
  const copy = copyOf(h.load);
  const first = copy.get();
  await settle();
  h.answer(value);
  await first;
  return { h, copy };
}

describe("a process's copy of the catalog", () => {
  it("reads once, then answers from the copy while it is young", async () => {
    vi.spyOn(Date, "now").mockImplementation(() => clock);
    const h = handLoad();
    const copy = copyOf(h.load);
    const first = copy.get();
    const second = copy.get();
    await settle();
    expect(h.waiting()).toBe(1); // two callers, one read
    h.answer("v1");
    expect(await first).toBe("v1");
    expect(await second).toBe("v1");
    clock += 4_999;
    expect(await copy.get()).toBe("v1");
    expect(h.load).toHaveBeenCalledTimes(1);
  });

  it("past its age answers the old copy at once and reloads once behind the callers", async () => {
    const { h, copy } = await loadedWith("v1");
    clock += 5_000;
    // Nobody waits for the reload: these resolve while it is still unanswered.
    expect(await Promise.all([copy.get(), copy.get(), copy.get()])).toEqual(["v1", "v1", "v1"]);
    expect(h.waiting()).toBe(1);
    h.answer("v2");
    await settle();
    expect(await copy.get()).toBe("v2");
    expect(h.load).toHaveBeenCalledTimes(2);
  });

  it("keeps serving the old copy when a reload fails, and tries again on the next call", async () => {
    const { h, copy } = await loadedWith("v1");
    clock += 6_000;
    expect(await copy.get()).toBe("v1");
    h.fail(new Error("connection reset"));
    await settle();
    expect(await copy.get()).toBe("v1");
    expect(h.waiting()).toBe(1); // the retry
    h.answer("v2");
    await settle();
    expect(await copy.get()).toBe("v2");
  });

  it("after an invalidation waits for a new read, and drops a reload that began before it", async () => {
    const { h, copy } = await loadedWith("v1");
    clock += 5_000;
    await copy.get(); // starts a reload that will read the rows as they were before the change
    copy.invalidate(); // the change
    const after = copy.get();
    await settle();
    expect(h.waiting()).toBe(2);
    h.answer("old"); // the reload begun before the change answers first
    h.answer("new");
    expect(await after).toBe("new");
    await settle();
    expect(await copy.get()).toBe("new");
  });

  it("ifFresh answers only a young copy, and starts a reload when the copy is old", async () => {
    vi.spyOn(Date, "now").mockImplementation(() => clock);
    const h = handLoad();
    const copy = copyOf(h.load);
    expect(copy.ifFresh()).toBeUndefined();
    await settle();
    h.answer("v1");
    await settle();
    expect(copy.ifFresh()).toBe("v1");
    clock += 5_000;
    expect(copy.ifFresh()).toBeUndefined();
    await settle();
    expect(h.waiting()).toBe(1);
  });

  it("reads on the caller's transaction when it must read, and with `fresh` whatever the copy's age", async () => {
    vi.spyOn(Date, "now").mockImplementation(() => clock);
    const seen: unknown[] = [];
    const copy = catalogCopy(`test.${names++}`, async (tx) => (seen.push(tx), `v${seen.length}`));
    const tx = { marker: "tx" } as never;
    expect(await copy.get({ tx })).toBe("v1");
    expect(seen[0]).toBe(tx);
    expect(await copy.get({ tx })).toBe("v1"); // young: no read
    expect(await copy.get({ fresh: true, tx })).toBe("v2");
    expect(await copy.get()).toBe("v2");
  });
});
