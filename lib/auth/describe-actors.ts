// The one resolver from actor labels stored on history, ledger and alert rows (user:<id>, key:<id>,
// stripe:<event id>, job:<name>, seed) to words for people: a person's name and email, an API
// key's name and prefix. Every page that shows who did something goes through it.
import "server-only";
import { inArray } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { apiKeys, users } from "@/lib/db/schema";

/** What a label that names no stored person or key reads as. */
function describeOther(label: string): string {
  if (label === "seed") return "demo data";
  if (label.startsWith("job:")) return `the ${label.slice(4)} job`;
  if (label.startsWith("stripe:")) return `Stripe (${label.slice(7)})`;
  if (label === "provider:local") return "the payment sandbox";
  if (label.startsWith("provider:")) return label.slice(9) === "stripe" ? "Stripe" : label.slice(9);
  if (label === "system" || label === "billing" || label === "subscription") return `Tally (${label})`;
  if (label.startsWith("system:")) return `Tally (${label.slice(7)})`;
  if (label.startsWith("user:")) return "a deleted user";
  if (label.startsWith("key:")) return "a deleted API key";
  return label;
}

export async function describeActors(labels: Iterable<string | null | undefined>): Promise<Map<string, string>> {
  const all = [...new Set([...labels].filter((l): l is string => !!l))];
  const userIds = all.filter((l) => l.startsWith("user:")).map((l) => l.slice(5));
  const keyIds = all.filter((l) => l.startsWith("key:")).map((l) => l.slice(4));
  const [us, ks] = await Promise.all([
    userIds.length
      ? db.select({ id: users.id, name: users.name, email: users.email }).from(users).where(inArray(users.id, userIds))
      : [],
    keyIds.length
      ? db
          .select({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix })
          .from(apiKeys)
          .where(inArray(apiKeys.id, keyIds))
      : [],
  ]);
  const out = new Map<string, string>();
  for (const u of us) out.set(`user:${u.id}`, u.name && u.name !== u.email ? `${u.name} (${u.email})` : u.email);
  for (const k of ks) out.set(`key:${k.id}`, `API key “${k.name}” (${k.prefix}…)`);
  for (const l of all) if (!out.has(l)) out.set(l, describeOther(l));
  return out;
}
