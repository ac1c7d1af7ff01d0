// The demo at start-up: seed it when the policy says so (policy.ts), and on every start — not only
// the seeding one — say loudly when users with the published demo password exist, since anyone who
// has read the README can sign in as them (the admin included).
import "server-only";
import { inArray } from "drizzle-orm";
import { verifyPassword } from "@/lib/auth/password";
import { db } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import type { Env } from "@/lib/env";
import { log } from "@/lib/log";
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from "./demo";
import { demoSeedDecision } from "./policy";

/** Demo users whose password is still the published one. */
export async function demoUsersWithKnownPassword(): Promise<{ email: string; role: string }[]> {
  const found = await db
    .select({ email: users.email, role: users.role, hash: users.passwordHash })
    .from(users)
    .where(
      inArray(
        users.email,
        DEMO_USERS.map((u) => u.email),
      ),
    );
  // The seed gives them one shared hash: one scrypt check (~50 ms) per distinct hash.
  const known = new Map<string, boolean>();
  for (const h of new Set(found.map((u) => u.hash).filter((h): h is string => h !== null)))
    known.set(h, await verifyPassword(DEMO_PASSWORD, h));
  return found.filter((u) => u.hash !== null && known.get(u.hash)).map((u) => ({ email: u.email, role: u.role }));
}

export type StartupOutput = {
  print: (text: string) => void;
  warn: (fields: Record<string, unknown>, message: string) => void;
};

const defaultOutput: StartupOutput = {
  print: (text) => console.warn(text),
  warn: (fields, message) => log.warn(fields, message),
};

export async function demoAtStartup(
  e: Pick<Env, "SEED_DEMO" | "DATABASE_URL" | "TALLY_ADMIN_EMAIL" | "APP_URL" | "PORT">,
  out: StartupOutput = defaultOutput,
): Promise<{ seeded: boolean; exposed: { email: string; role: string }[] }> {
  const decision = demoSeedDecision(e);
  const seeded = decision.seed ? (await seedDemo()).seeded : false;
  if (!decision.seed) log.info({ reason: decision.reason }, "demo seed skipped");
  const exposed = await demoUsersWithKnownPassword();
  if (exposed.length) {
    out.warn(
      { users: exposed.map((u) => u.email), admins: exposed.filter((u) => u.role === "admin").map((u) => u.email) },
      `demo users with the published password "${DEMO_PASSWORD}" exist: anyone can sign in as them`,
    );
    const lines = exposed.map((u) => `!!  ${u.role.padEnd(6)}  ${u.email.padEnd(24)}  ${DEMO_PASSWORD}`).join("\n");
    const rule = "!".repeat(78);
    out.print(
      `\n${rule}\n!!  DEMO USERS WITH THE PUBLISHED PASSWORD EXIST${seeded ? " (just seeded)" : ""}. Anyone can sign in as them at\n` +
        `!!  ${(e.APP_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, "")}/sign-in:\n${lines}\n` +
        `!!  Fine for trying Tally out. For real use, start on an empty database with SEED_DEMO=false\n` +
        `!!  and TALLY_ADMIN_EMAIL / TALLY_ADMIN_PASSWORD, or change these passwords.\n${rule}\n`,
    );
  }
  return { seeded, exposed };
}
