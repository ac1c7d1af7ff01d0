// The production server loads lib/ twice in one process: in Next's bundle and in the fast path's
// (scripts/build-fast-path.mjs bundles server/fast-routes.ts with the lib/ code it uses). Process
// state must still exist once: here lib/ is bundled twice the same way and both copies are loaded
// beside the normal import; they must share one per-organization gate, one metrics registry, one
// queue state.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withOrgGate } from "@/lib/credits/org-gate";
import { AppError, databaseUnavailable } from "@/lib/http/errors";
import { metrics } from "@/lib/metrics";
import { processState } from "@/lib/process-state";

type Copy = {
  withOrgGate: typeof withOrgGate;
  metrics: typeof metrics;
  processState: typeof processState;
  AppError: typeof AppError;
  databaseUnavailable: typeof databaseUnavailable;
};

const ENTRY = `
export { withOrgGate } from "@/lib/credits/org-gate";
export { metrics } from "@/lib/metrics";
export { processState } from "@/lib/process-state";
export { AppError, databaseUnavailable } from "@/lib/http/errors";
export { spend } from "@/lib/credits/spend-group";
export { storeEvents } from "@/lib/metering/store-events";
`;

// Inside node_modules: the bundles' packages resolve from there, and vitest loads them with Node as
// they are, each a module instance of its own, as serve.mjs loads .next/fast-path.mjs.
const dir = fs.mkdtempSync(path.join(process.cwd(), "node_modules", ".tally-process-state-"));

async function bundle(name: string): Promise<Copy> {
  const outfile = path.join(dir, `${name}.mjs`);
  await build({
    stdin: { contents: ENTRY, resolveDir: process.cwd(), loader: "ts" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile,
    packages: "external",
    tsconfig: "tsconfig.json",
    alias: { "server-only": "./server/empty.js" },
    logLevel: "warning",
  });
  return (await import(/* @vite-ignore */ pathToFileURL(outfile).href)) as Copy;
}

let nextCopy: Copy;
let fastCopy: Copy;

beforeAll(async () => {
  nextCopy = await bundle("next");
  fastCopy = await bundle("fast");
}, 60_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("process state across the Next and fast-path bundles", () => {
  it("loads lib/ as separate module instances (else the test proves nothing)", () => {
    expect(nextCopy.withOrgGate).not.toBe(fastCopy.withOrgGate);
    expect(nextCopy.withOrgGate).not.toBe(withOrgGate);
  });

  it("has one gate per organization: a spend through the fast path waits for the slots Next's spends hold", async () => {
    const org = `org_gate_${Date.now()}`;
    const release: (() => void)[] = [];
    const held: Promise<void>[] = [];
    // Next's copy fills the organization's slots (4) with work that waits to be released.
    for (let i = 0; i < 4; i++)
      held.push(nextCopy.withOrgGate(org, () => new Promise<void>((resolve) => release.push(resolve))));
    await new Promise((r) => setTimeout(r, 10));
    expect(release).toHaveLength(4);

    const ran: string[] = [];
    const fast = fastCopy.withOrgGate(org, async () => void ran.push("fast"));
    const plain = withOrgGate(org, async () => void ran.push("plain"));
    // Another organization's gate is its own: it runs at once.
    await fastCopy.withOrgGate(`${org}_other`, async () => void ran.push("other"));
    await new Promise((r) => setTimeout(r, 10));
    expect(ran).toEqual(["other"]);

    // One freed slot: the waiters take it in arrival order, each handing it to the next.
    release.shift()!();
    await Promise.all([fast, plain]);
    expect(ran).toEqual(["other", "fast", "plain"]);
    for (const r of release) r();
    await Promise.all(held);
  });

  it("shares one metrics registry and one instance of each named state", () => {
    expect(fastCopy.metrics).toBe(nextCopy.metrics);
    expect(fastCopy.metrics).toBe(metrics);
    const queue = processState("credits.spend-group", () => {
      throw new Error("the spend queue is made when spend-group.ts loads");
    });
    expect(fastCopy.processState("credits.spend-group", () => ({}))).toBe(queue);
    expect(nextCopy.processState("metering.store-events", () => ({}))).toBe(
      fastCopy.processState("metering.store-events", () => ({})),
    );
  });
});

describe("errors across the bundles", () => {
  it("sees the other copy's AppError as an AppError: a refusal pumped by Next's queue still answers the fast path's caller as a 503", () => {
    const fromNext = nextCopy.databaseUnavailable();
    expect(nextCopy.AppError).not.toBe(fastCopy.AppError);
    expect(fromNext instanceof fastCopy.AppError).toBe(true);
    expect(fromNext instanceof AppError).toBe(true);
    expect(databaseUnavailable() instanceof nextCopy.AppError).toBe(true);
    expect(new Error("plain") instanceof fastCopy.AppError).toBe(false);
  });
});

describe("the lint rule against module-level mutable state in lib/", () => {
  it("refuses a top-level let, an empty container and globalThis, and passes processState and constant tables", async () => {
    const { ESLint } = await import("eslint");
    const eslint = new ESLint();
    const lint = async (code: string) => {
      const [result] = await eslint.lintText(code, { filePath: "lib/probe/state.ts" });
      return result!.messages.filter((m) => m.ruleId === "no-restricted-syntax").length;
    };
    expect(await lint("export let count = 0;\n")).toBe(1);
    expect(await lint("const gates = new Map<string, number>();\nexport const size = () => gates.size;\n")).toBe(1);
    expect(await lint("const waiting: number[] = [];\nexport const n = () => waiting.length;\n")).toBe(1);
    expect(await lint("const memo = {} as Record<string, number>;\nexport const m = () => memo;\n")).toBe(1);
    expect(await lint("export const g = (globalThis as { x?: number }).x;\n")).toBe(1);
    expect(
      await lint(
        'import { processState } from "@/lib/process-state";\n' +
          'const gates = processState("probe", () => new Map<string, number>());\n' +
          'const SAFE = new Set(["GET", "HEAD"]);\n' +
          "export const size = (m: string) => (SAFE.has(m) ? gates.size : 0);\n",
      ),
    ).toBe(0);
  }, 60_000);
});
