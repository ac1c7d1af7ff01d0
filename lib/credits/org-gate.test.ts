import { describe, expect, it } from "vitest";
import { withOrgGate } from "./org-gate";

const tick = () => new Promise((r) => setTimeout(r, 5));

describe("the per-organization gate", () => {
  it("lets at most four movements of one organization run at once, in arrival order, and others freely", async () => {
    let inFlight = 0;
    let peak = 0;
    const order: number[] = [];
    const work = (org: string, i: number) =>
      withOrgGate(org, async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await tick();
        order.push(i);
        inFlight--;
        return i;
      });
    const hot = Array.from({ length: 12 }, (_, i) => work("org_hot", i));
    // Another organization is not queued behind the hot one.
    const doneWhenOtherRan = await withOrgGate("org_other", async () => order.length);
    expect(await Promise.all(hot)).toEqual([...Array(12).keys()]);
    expect(peak).toBe(4);
    expect(doneWhenOtherRan).toBeLessThan(12);
    expect(order.slice(4, 8).every((i) => i >= 4 && i < 8)).toBe(true);
  });

  it("frees the slot when a movement fails", async () => {
    const fails = Array.from({ length: 6 }, () =>
      withOrgGate("org_fail", async () => Promise.reject(new Error("refused"))),
    );
    await Promise.allSettled(fails);
    await expect(withOrgGate("org_fail", async () => "ran")).resolves.toBe("ran");
  });
});
