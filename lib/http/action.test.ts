// Server actions authorize through the `auth` option, as API routes do through route(): after the
// form is read, before the step, and a refusal is Next's own control flow (redirect / 403), never a
// form error.
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";

const calls: string[] = [];
vi.mock("@/lib/auth/session", () => {
  const guard = (name: string, user: object | null) => async () => {
    calls.push(name);
    if (!user) throw Object.assign(new Error("NEXT_REDIRECT"), { digest: "NEXT_REDIRECT;replace;/sign-in;307;" });
    return user;
  };
  return {
    requireUser: guard("user", { id: "u1", role: "member" }),
    requireCustomer: guard("customer", { id: "u1", role: "member", orgId: "org_1" }),
    requireOwner: guard("owner", { id: "u2", role: "owner", orgId: "org_1" }),
    requireAdmin: guard("admin", null),
  };
});

const { formAction, jsonAction } = await import("./action");
const IDLE = { ok: false as const, error: "" };

const form = (fields: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
};

describe("server actions' auth option", () => {
  it("hands the step the user the guard returned, after the form is valid", async () => {
    calls.length = 0;
    const act = formAction(
      z.object({ name: z.string().min(1) }),
      async ({ name }, owner) => ({ name, org: owner.orgId, role: owner.role }),
      { auth: "owner" },
    );
    expect(await act(IDLE, form({ name: "" }))).toMatchObject({ ok: false, fieldErrors: { name: expect.any(String) } });
    expect(calls).toEqual([]);
    expect(await act(IDLE, form({ name: "x" }))).toEqual({
      ok: true,
      data: { name: "x", org: "org_1", role: "owner" },
    });
    expect(calls).toEqual(["owner"]);
  });

  it("lets a refusal through as Next's control flow, and never runs the step", async () => {
    const step = vi.fn(async () => ({}));
    const act = jsonAction(z.object({}), step, { auth: "admin" });
    await expect(act(IDLE, form({ payload: "{}" }))).rejects.toThrow("NEXT_REDIRECT");
    expect(step).not.toHaveBeenCalled();
  });
});
