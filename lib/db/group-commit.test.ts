import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/http/errors";
import { groupCommit, type GroupCommitOptions } from "./group-commit";

type Item = { key: string; size: number; fail?: boolean };

let queues = 0;
/** A queue of its own per test; `commit` records each group it is given. */
function queue(over: Partial<GroupCommitOptions<Item, string, string>> = {}) {
  const groups: string[][] = [];
  const gate: { open?: () => void } = {};
  const q = groupCommit<Item, string, string>({
    name: `test.group-commit.${queues++}`,
    slots: 1,
    budget: 4,
    size: (i) => i.size,
    keys: (i) => [i.key],
    commit: async (items) => {
      groups.push(items.map((i) => i.key));
      // The first group holds its slot until the test opens the gate, so the rest queue up behind it.
      if (groups.length === 1) await new Promise<void>((r) => (gate.open = r));
      if (items.some((i) => i.fail)) throw new Error("group failed");
      return items.map((i) => `grouped ${i.key}`);
    },
    answer: async (_i, o) => o,
    alone: async (i) => {
      if (i.fail) throw new Error(`${i.key} failed alone`);
      return `alone ${i.key}`;
    },
    singleIsAlone: false,
    slotBackAfter: "commit",
    deadlineMs: 5_000,
    log: { items: "items", timedOut: "stuck" },
    ...over,
  });
  return { q, groups, open: () => gate.open?.() };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe("group commit", () => {
  it("groups what waits for a slot, within the size budget, never one key twice in a group", async () => {
    const { q, groups, open } = queue();
    const first = q.submit({ key: "a", size: 1 });
    await tick();
    const rest = [
      q.submit({ key: "b", size: 1 }),
      q.submit({ key: "b", size: 1 }),
      q.submit({ key: "c", size: 2 }),
      q.submit({ key: "d", size: 2 }),
      q.submit({ key: "e", size: 1 }),
    ];
    expect(q.state().waiting).toBe(5);
    open();
    expect(await Promise.all([first, ...rest])).toEqual([
      "grouped a",
      "grouped b",
      "grouped b",
      "grouped c",
      "grouped d",
      "grouped e",
    ]);
    // b, c (3 units) and e (4): d would pass the budget, the second b repeats a key.
    expect(groups).toEqual([["a"], ["b", "c", "e"], ["b", "d"]]);
  });

  it("runs each item of a failed group on its own, so an error reaches only its caller", async () => {
    const { q, open } = queue();
    const first = q.submit({ key: "a", size: 1 });
    await tick();
    const good = q.submit({ key: "b", size: 1 });
    const bad = q.submit({ key: "c", size: 1, fail: true });
    open();
    await first;
    expect(await good).toBe("alone b");
    await expect(bad).rejects.toThrow("c failed alone");
  });

  it("answers a group that does not finish in time 503 and gives its slot back", async () => {
    const { q, open } = queue({ deadlineMs: 20 });
    const stuck = q.submit({ key: "a", size: 1 });
    await expect(stuck).rejects.toSatisfy((e) => e instanceof AppError && e.code === "database_unavailable");
    expect(await q.submit({ key: "b", size: 1 })).toBe("grouped b");
    open();
  });
});
