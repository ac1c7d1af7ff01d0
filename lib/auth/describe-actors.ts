// Turns actor labels stored on history rows (user:<id>, key:<id>, job:<name>) into words for people.
import "server-only";
import { inArray } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { apiKeys, users } from "@/lib/db/schema";

export async function describeActors(labels: string[]): Promise<Map<string, string>> {
  const userIds = labels.filter((l) => l.startsWith("user:")).map((l) => l.slice(5));
  const keyIds = labels.filter((l) => l.startsWith("key:")).map((l) => l.slice(4));
  const [us, ks] = await Promise.all([
    userIds.length ? db.select({ id: users.id, email: users.email }).from(users).where(inArray(users.id, userIds)) : [],
    keyIds.length
      ? db
          .select({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix })
          .from(apiKeys)
          .where(inArray(apiKeys.id, keyIds))
      : [],
  ]);
  const out = new Map<string, string>();
  for (const u of us) out.set(`user:${u.id}`, u.email);
  for (const k of ks) out.set(`key:${k.id}`, `API key “${k.name}” (${k.prefix}…)`);
  for (const l of labels) if (!out.has(l)) out.set(l, l.startsWith("job:") ? `the ${l.slice(4)} job` : l);
  return out;
}
