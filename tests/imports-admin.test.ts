// The admin's imports page: its form runs an import (a dry run by default), shows a refused key
// beside the key field without sending the key back, and refuses anyone but an admin. A schedule
// keeps the key sealed, and the import-schedule job runs the sync again when it is due.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db/client";
import { importSchedules, imports, plans } from "@/lib/db/schema";
import { runDueImports } from "@/lib/imports/schedule";
import * as flexpriceRoute from "@/app/api/v1/imports/flexprice/route";
import * as scheduleRoute from "@/app/api/v1/imports/schedules/[source]/route";
import { call, customerKey, makeOrg, platformKey, uid } from "./support/fixtures";
import { FlexPriceServer, flexPlan, flexPrice } from "./support/flexprice-server";
import { form, people, signInAs, type Who } from "./support/session-mock";

vi.mock("next/cache", () => ({ revalidatePath: () => {} }));
vi.mock("next/headers", () => ({ headers: async () => new Headers() }));
vi.mock("@/lib/auth/session", () => import("./support/session-mock"));

const { runImportAction, stopScheduleAction } = await import("@/app/admin/imports/actions");

const KEY = `sk_flex_${uid()}`;
const planId = `plan_sched_${uid()}`;
let server: FlexPriceServer;
let admin: Who;
let owner: Who;

beforeAll(async () => {
  const [a, b] = [await makeOrg(), await makeOrg()];
  const p = await people(a.id, b.id);
  admin = p.adminUser;
  owner = p.ownerA;
  server = await new FlexPriceServer(KEY).start();
  server.data.plans.push(flexPlan(planId, "Scheduled"));
  server.data.prices.push(flexPrice(`price_${planId}`, planId, { type: "FIXED", amount: "20.00" }));
});

afterAll(() => server.stop());

describe("imports page", () => {
  it("runs a dry run from the form and says what would change", async () => {
    signInAs(admin);
    const r = await runImportAction(
      null,
      form({ source: "flexprice", api_url: server.url, api_secret: KEY, dry_run: "on", every_hours: "" }),
    );
    expect(r, JSON.stringify(r)).toMatchObject({ ok: true, data: { dry_run: true } });
    expect(r?.ok && r.message).toMatch(/^Dry run: would create 1/);
    expect(await db.select().from(plans).where(eq(plans.importId, planId))).toHaveLength(0);
  });

  it("shows a refused key beside the key field, and never sends the key back", async () => {
    signInAs(admin);
    const r = await runImportAction(null, form({ source: "flexprice", api_url: server.url, api_secret: "wrong-key" }));
    expect(r).toMatchObject({ ok: false, fieldErrors: { api_key: expect.stringMatching(/refused/) } });
    expect(JSON.stringify(r)).not.toContain("wrong-key");
    const bad = await runImportAction(null, form({ source: "stripe", api_url: "ftp://x", api_secret: KEY }));
    expect(bad).toMatchObject({ ok: false, fieldErrors: { source: expect.any(String) } });
  });

  it("is for admins only", async () => {
    signInAs(owner);
    await expect(
      runImportAction(null, form({ source: "flexprice", api_url: server.url, api_secret: KEY })),
    ).rejects.toThrow();
    expect(await db.select().from(plans).where(eq(plans.importId, planId))).toHaveLength(0);
  });
});

describe("sync on a schedule", () => {
  it("keeps the key sealed and runs the sync again when due, as the schedule's job", async () => {
    signInAs(admin);
    const r = await runImportAction(
      null,
      form({ source: "flexprice", api_url: server.url, api_secret: KEY, every_hours: "6" }),
    );
    expect(r).toMatchObject({ ok: true, data: { dry_run: false } });
    const [schedule] = await db.select().from(importSchedules).where(eq(importSchedules.source, "flexprice"));
    expect(schedule).toMatchObject({ everyHours: 6, apiUrl: server.url });
    expect(schedule!.apiKeySealed).not.toContain(KEY);
    expect(schedule!.apiKeySealed).toMatch(/^tenc1:/);

    // Not due yet: nothing runs.
    expect(await runDueImports(new Date())).toBe(0);
    // A price changed at FlexPrice; six hours later the job syncs it.
    server.data.prices[0]!.amount = "25.00";
    const later = new Date(schedule!.nextRunAt.getTime() + 1000);
    expect(await runDueImports(later)).toBe(1);
    const versions = await db.select().from(plans).where(eq(plans.importId, planId));
    expect(versions.map((p) => p.version).sort()).toEqual([1, 2]);
    const [after] = await db.select().from(importSchedules).where(eq(importSchedules.source, "flexprice"));
    const [run] = await db.select().from(imports).where(eq(imports.id, after!.lastImportId!));
    expect(run).toMatchObject({ actor: "job:import-schedule", status: "succeeded", dryRun: false });
    expect(after!.nextRunAt.getTime()).toBe(later.getTime() + 6 * 3_600_000);
    // Run again at the same instant: already moved on, nothing runs twice.
    expect(await runDueImports(later)).toBe(0);
  });

  it("an admin stops the sync: the schedule and its sealed key are gone", async () => {
    signInAs(owner);
    await expect(stopScheduleAction(null, form({ source: "flexprice" }))).rejects.toThrow();
    expect(await db.select().from(importSchedules).where(eq(importSchedules.source, "flexprice"))).toHaveLength(1);
    signInAs(admin);
    expect(await stopScheduleAction(null, form({ source: "flexprice" }))).toMatchObject({ ok: true });
    expect(await db.select().from(importSchedules).where(eq(importSchedules.source, "flexprice"))).toHaveLength(0);
  });

  it("a schedule needs an applied run", async () => {
    signInAs(admin);
    const r = await runImportAction(
      null,
      form({ source: "lago", api_url: server.url, api_secret: KEY, dry_run: "on", every_hours: "6" }),
    );
    expect(r).toMatchObject({ ok: false, fieldErrors: { schedule: expect.any(String) } });
  });
});

describe("stopping a sync over the API", () => {
  const stop = (key: string, source: string) =>
    call<{ deleted?: boolean; source?: string; error?: { code: string; message: string; field?: string } }>(
      scheduleRoute.DELETE,
      "DELETE",
      `/api/v1/imports/schedules/${source}`,
      { key, params: { source } },
    );

  it("deletes the schedule and its sealed key without running an import; a platform key only", async () => {
    const key = await platformKey();
    const started = await call<{ schedule?: { every_hours: number } }>(
      flexpriceRoute.POST,
      "POST",
      "/api/v1/imports/flexprice",
      { key, body: { api_url: server.url, api_key: KEY, dry_run: false, schedule: { every_hours: 12 } } },
    );
    expect(started.status).toBe(200);
    expect(started.json.schedule).toMatchObject({ every_hours: 12 });
    const runsBefore = (await db.select().from(imports)).length;

    const customer = await customerKey((await makeOrg()).id);
    expect((await stop(customer, "flexprice")).status).toBe(403);
    expect(await db.select().from(importSchedules).where(eq(importSchedules.source, "flexprice"))).toHaveLength(1);

    const res = await stop(key, "flexprice");
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ object: "import_schedule", source: "flexprice", deleted: true });
    expect(await db.select().from(importSchedules).where(eq(importSchedules.source, "flexprice"))).toHaveLength(0);
    expect((await db.select().from(imports)).length).toBe(runsBefore); // no import ran

    const again = await stop(key, "flexprice");
    expect(again.json).toEqual({ object: "import_schedule", source: "flexprice", deleted: false });
    const bad = await stop(key, "stripe");
    expect(bad.status).toBe(400);
    expect(bad.json.error!.message).toMatch(/source/);
  });
});
