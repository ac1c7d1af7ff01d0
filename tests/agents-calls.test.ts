import { describe, expect, it } from "vitest";
import * as agentsRoute from "@/app/api/v1/agents/route";
import * as assign from "@/app/api/v1/agents/[agent_id]/assign-plan/route";
import * as historyRoute from "@/app/api/v1/agents/[agent_id]/pricing-history/route";
import * as callsRoute from "@/app/api/v1/calls/route";
import * as finalize from "@/app/api/v1/calls/[call_id]/finalize-cost/route";
import * as usageRoute from "@/app/api/v1/usage/route";
import { updatePlan } from "@/lib/catalog/plans";
import { call, customerKey, makeMeter, makeOrg, makePlan, platformKey } from "./support/fixtures";

type Agent = { id: string; current_plan: { id: string } | null };
type History = {
  total: number;
  current_plan: { id: string } | null;
  history: {
    action: string;
    previous_plan: { id: string } | null;
    new_plan: { id: string } | null;
    active: boolean;
    comments: string | null;
    changed_by: string;
  }[];
};
type Cost = {
  cost: string;
  cost_exact: string;
  cost_cents: number;
  currency: string;
  plan: { id: string };
  lines: { name: string; amount: string }[];
};
type Err = { error: { code: string; message: string; details: { field: string }[] } };

async function premiumPlan() {
  const minutes = await makeMeter();
  const apiCalls = await makeMeter();
  const plan = await makePlan({
    charges: [
      { type: "usage", meter: minutes.code, model: "per_unit", unit_price: "0.05" },
      { type: "usage", meter: apiCalls.code, model: "per_unit", unit_price: "0.01" },
      { type: "fixed", name: "Monthly Fee", amount: "10.00" },
    ],
  });
  return { plan, minutes: minutes.code, apiCalls: apiCalls.code };
}

async function setup() {
  const org = await makeOrg();
  const key = await platformKey();
  const agent = (
    await call<Agent>(agentsRoute.POST, "POST", "/api/v1/agents", {
      key,
      body: { customer_id: org.id, name: "Support line" },
    })
  ).json;
  return { org, key, agent };
}

const assignPlan = (key: string, agentId: string, planId: string | null, comments?: string) =>
  call<{ history_id: string; action: string; previous_plan: { id: string } | null; new_plan: { id: string } | null }>(
    assign.POST,
    "POST",
    `/api/v1/agents/${agentId}/assign-plan`,
    { key, params: { agent_id: agentId }, body: { plan_id: planId, comments } },
  );

const startCall = async (key: string, agentId: string) =>
  (
    await call<{ id: string; plan_id: string | null }>(callsRoute.POST, "POST", "/api/v1/calls", {
      key,
      body: { agent_id: agentId },
    })
  ).json;

const finalizeCall = (key: string, callId: string, metrics: Record<string, unknown>) =>
  call<Cost & Err>(finalize.POST, "POST", `/api/v1/calls/${callId}/finalize-cost`, {
    key,
    params: { call_id: callId },
    body: { usage_metrics: metrics },
  });

describe("agents and their plans", () => {
  it("records assigned, changed and removed in the pricing history, newest first, with one active row", async () => {
    const { key, agent } = await setup();
    const a = await makePlan();
    const b = await makePlan();
    const first = await assignPlan(key, agent.id, a.id, "Launch pricing");
    expect(first.json).toMatchObject({ action: "assigned", previous_plan: null, new_plan: { id: a.id } });
    expect((await assignPlan(key, agent.id, b.id, "Upgraded to premium plan")).json.action).toBe("changed");
    expect((await assignPlan(key, agent.id, null, "Paused")).json.action).toBe("removed");
    const h = await call<History>(historyRoute.GET, "GET", `/api/v1/agents/${agent.id}/pricing-history?limit=50`, {
      key,
      params: { agent_id: agent.id },
    });
    expect(h.json.total).toBe(3);
    expect(h.json.current_plan).toBeNull();
    expect(h.json.history.map((r) => r.action)).toEqual(["removed", "changed", "assigned"]);
    expect(h.json.history[1]).toMatchObject({
      previous_plan: { id: a.id },
      new_plan: { id: b.id },
      comments: "Upgraded to premium plan",
      active: false,
    });
    expect(h.json.history[0]!.changed_by).toMatch(/^key:/);
    const list = await call<{ data: Agent[] }>(
      agentsRoute.GET,
      "GET",
      `/api/v1/agents?without_plan=true&customer_id=${agent.id}`,
      { key, params: {} },
    );
    expect(list.status).toBe(404); // an agent id is not a customer id
  });

  it("refuses an unknown plan with a 400 and writes no history", async () => {
    const { key, agent } = await setup();
    const res = await assignPlan(key, agent.id, "plan_does_not_exist");
    expect(res.status).toBe(400);
    const h = await call<History>(historyRoute.GET, "GET", `/api/v1/agents/${agent.id}/pricing-history`, {
      key,
      params: { agent_id: agent.id },
    });
    expect(h.json.total).toBe(0);
  });

  it("lets a customer read its agents' history but not assign plans or see another customer's agent", async () => {
    const { org, agent } = await setup();
    const own = await customerKey(org.id);
    const other = await customerKey((await makeOrg()).id);
    expect(
      (
        await call(historyRoute.GET, "GET", `/api/v1/agents/${agent.id}/pricing-history`, {
          key: own,
          params: { agent_id: agent.id },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await call(historyRoute.GET, "GET", `/api/v1/agents/${agent.id}/pricing-history`, {
          key: other,
          params: { agent_id: agent.id },
        })
      ).status,
    ).toBe(404);
    expect((await assignPlan(own, agent.id, (await makePlan()).id)).status).toBe(403);
  });
});

describe("calls and their cost", () => {
  it("prices the FlexPrice guide's call exactly: 5.5 min × $0.05 + 10 calls × $0.01 + $10.00 = $10.375, charged $10.38", async () => {
    const { key, agent } = await setup();
    const { plan, minutes, apiCalls } = await premiumPlan();
    await assignPlan(key, agent.id, plan.id);
    const c = await startCall(key, agent.id);
    expect(c.plan_id).toBe(plan.id);
    const res = await finalizeCall(key, c.id, { [minutes]: 5.5, [apiCalls]: 10 });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ cost: "10.38", cost_exact: "10.375", cost_cents: 1038, currency: "usd" });
    expect(res.json.lines.map((l) => l.amount)).toEqual(["0.275", "0.1", "10"]);
  });

  it("bills the plan in force when the call started, even if the plan changes mid-call", async () => {
    const { key, agent } = await setup();
    const { plan, minutes } = await premiumPlan();
    await assignPlan(key, agent.id, plan.id);
    const c = await startCall(key, agent.id);
    const pricier = await updatePlan(plan.id, {
      charges: [{ type: "usage", meter: minutes, model: "per_unit", unit_price: "1.00" }],
    });
    await assignPlan(key, agent.id, pricier.plan.id, "Price rise");
    const res = await finalizeCall(key, c.id, { [minutes]: 2 });
    expect(res.json).toMatchObject({ cost: "10.10", plan: { id: plan.id } });
    const later = await startCall(key, agent.id);
    expect((await finalizeCall(key, later.id, { [minutes]: 2 })).json.cost).toBe("2.00");
  });

  it("returns the first result when finalized again, and 409 when the metrics differ", async () => {
    const { key, agent } = await setup();
    const { plan, minutes } = await premiumPlan();
    await assignPlan(key, agent.id, plan.id);
    const c = await startCall(key, agent.id);
    const first = await finalizeCall(key, c.id, { [minutes]: "3" });
    const again = await finalizeCall(key, c.id, { [minutes]: 3 });
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.json).toEqual(first.json);
    const different = await finalizeCall(key, c.id, { [minutes]: 4 });
    expect(different.status).toBe(409);
  });

  it("finalizes once when ten finalize requests race", async () => {
    const { key, agent } = await setup();
    const { plan, minutes } = await premiumPlan();
    await assignPlan(key, agent.id, plan.id);
    const c = await startCall(key, agent.id);
    const results = await Promise.all(Array.from({ length: 10 }, () => finalizeCall(key, c.id, { [minutes]: 1 })));
    expect(results.every((r) => r.status === 200 && r.json.cost === "10.05")).toBe(true);
    expect(results.filter((r) => r.headers.get("idempotent-replayed") !== "true")).toHaveLength(1);
  });

  it("refuses to price a call whose agent had no plan, instead of charging $0.00", async () => {
    const { key, agent } = await setup();
    const c = await startCall(key, agent.id);
    const res = await finalizeCall(key, c.id, { voice_minutes: 5 });
    expect(res.status).toBe(422);
    expect(res.json.error.message).toContain("no plan");
  });

  it("refuses a metric the call's plan does not price, naming it", async () => {
    const { key, agent } = await setup();
    const { plan, minutes } = await premiumPlan();
    await assignPlan(key, agent.id, plan.id);
    const c = await startCall(key, agent.id);
    const res = await finalizeCall(key, c.id, { [minutes]: 1, sms_count: 4 });
    expect(res.status).toBe(422);
    expect(res.json.error.details.map((d) => d.field)).toEqual(["usage_metrics.sms_count"]);
  });

  it("rejects non-numeric and negative metrics with a 400", async () => {
    const { key, agent } = await setup();
    const c = await startCall(key, agent.id);
    expect((await finalizeCall(key, c.id, { minutes: "five" })).status).toBe(400);
    expect((await finalizeCall(key, c.id, { minutes: -1 })).status).toBe(400);
  });

  it("prices a graduated charge across its tiers", async () => {
    const { key, agent } = await setup();
    const m = await makeMeter();
    const plan = await makePlan({
      charges: [
        {
          type: "usage",
          meter: m.code,
          model: "graduated",
          tiers: [
            { up_to: 100, unit_price: "0" },
            { up_to: 1000, unit_price: "0.02" },
            { up_to: null, unit_price: "0.01" },
          ],
        },
      ],
    });
    await assignPlan(key, agent.id, plan.id);
    const c = await startCall(key, agent.id);
    expect((await finalizeCall(key, c.id, { [m.code]: 1500 })).json).toMatchObject({ cost: "23.00", cost_cents: 2300 });
  });

  it("records each metric as one usage event keyed call_id:metric, and a retry records nothing more", async () => {
    const { org, key, agent } = await setup();
    const { plan, minutes } = await premiumPlan();
    await assignPlan(key, agent.id, plan.id);
    const c = await startCall(key, agent.id);
    const body = { usage_metrics: { [minutes]: "5.5" }, send_usage: true };
    const first = await call<{ usage_recorded: boolean }>(
      finalize.POST,
      "POST",
      `/api/v1/calls/${c.id}/finalize-cost`,
      { key, params: { call_id: c.id }, body },
    );
    expect(first.json.usage_recorded).toBe(true);
    await call(finalize.POST, "POST", `/api/v1/calls/${c.id}/finalize-cost`, { key, params: { call_id: c.id }, body });
    const usage = await call<{ meters: { meter: string; value: string }[] }>(
      usageRoute.GET,
      "GET",
      `/api/v1/usage?customer_id=${org.id}&meter=${minutes}&from=${new Date(Date.now() - 3600_000).toISOString()}`,
      { key },
    );
    expect(usage.json.meters).toEqual([expect.objectContaining({ meter: minutes, value: "5.5" })]);
  });

  it("hides another customer's call (404)", async () => {
    const { key, agent } = await setup();
    const { plan, minutes } = await premiumPlan();
    await assignPlan(key, agent.id, plan.id);
    const c = await startCall(key, agent.id);
    const stranger = await customerKey((await makeOrg()).id);
    expect((await finalizeCall(stranger, c.id, { [minutes]: 1 })).status).toBe(404);
  });
});
