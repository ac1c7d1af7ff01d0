// The demo at start-up: no demo users (and their published password) on an operator's database,
// and a loud warning on every start while such users exist.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { db } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import { demoAtStartup, type StartupOutput } from "@/lib/seed/startup";

const base = {
  SEED_DEMO: undefined,
  DATABASE_URL: undefined,
  TALLY_ADMIN_EMAIL: undefined,
  APP_URL: undefined,
  PORT: 3000,
};

function capture() {
  const printed: string[] = [];
  const warned: { fields: Record<string, unknown>; message: string }[] = [];
  const out: StartupOutput = {
    print: (t) => printed.push(t),
    warn: (fields, message) => warned.push({ fields, message }),
  };
  return { out, printed, warned };
}

const demoUserCount = async () => (await db.select().from(users).where(eq(users.email, "admin@tally.local"))).length;

// One database for the file: the cases run in order, from an empty database to a seeded one.
describe("the demo at start-up", () => {
  it("seeds nothing on DATABASE_URL without SEED_DEMO=true, nor when TALLY_ADMIN_EMAIL is set, and warns of nothing", async () => {
    for (const e of [
      { ...base, DATABASE_URL: "postgres://tally@db/tally" },
      { ...base, TALLY_ADMIN_EMAIL: "ops@example.com" },
      { ...base, SEED_DEMO: true, TALLY_ADMIN_EMAIL: "ops@example.com" },
      { ...base, SEED_DEMO: false },
    ]) {
      const c = capture();
      expect(await demoAtStartup(e, c.out)).toEqual({ seeded: false, exposed: [] });
      expect(c.printed).toEqual([]);
      expect(c.warned).toEqual([]);
    }
    expect(await demoUserCount()).toBe(0);
  });

  it("seeds the embedded database by default and warns loudly, naming the admin, on that start and every later one", async () => {
    const first = capture();
    const r = await demoAtStartup(base, first.out);
    expect(r.seeded).toBe(true);
    expect(r.exposed.map((u) => u.email)).toContain("admin@tally.local");
    expect(first.warned).toHaveLength(1);
    expect(first.warned[0]!.fields.admins).toEqual(["admin@tally.local"]);
    expect(first.printed.join("")).toContain("DEMO USERS WITH THE PUBLISHED PASSWORD EXIST");
    expect(first.printed.join("")).toContain("admin@tally.local");

    // A later start (on Postgres, no seeding) still says so.
    const later = capture();
    expect(await demoAtStartup({ ...base, DATABASE_URL: "postgres://tally@db/tally" }, later.out)).toMatchObject({
      seeded: false,
    });
    expect(later.warned).toHaveLength(1);
    expect(later.printed.join("")).toContain("admin@tally.local");
  });

  it("stops naming a demo user once its password is changed, and is quiet when none is left", async () => {
    await db
      .update(users)
      .set({ passwordHash: await hashPassword("a-new-long-password") })
      .where(eq(users.email, "admin@tally.local"));
    const c = capture();
    const r = await demoAtStartup({ ...base, SEED_DEMO: false }, c.out);
    expect(r.exposed.map((u) => u.email)).not.toContain("admin@tally.local");
    expect(r.exposed.length).toBeGreaterThan(0);
    expect(c.warned[0]!.fields.admins).toEqual([]);
    await db.update(users).set({ passwordHash: null }).where(eq(users.role, "owner"));
    await db.update(users).set({ passwordHash: null }).where(eq(users.role, "member"));
    const quiet = capture();
    expect((await demoAtStartup({ ...base, SEED_DEMO: false }, quiet.out)).exposed).toEqual([]);
    expect(quiet.printed).toEqual([]);
  });
});
