// The key that signs session tokens. AUTH_SECRET when set; otherwise one generated on first start
// and kept in the database, so sessions survive restarts and every replica shares it.
import "server-only";
import { processState } from "@/lib/process-state";
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { appSettings } from "@/lib/db/schema";
import { env } from "@/lib/env";

const loaded = processState("auth.secret", () => ({ secret: undefined as string | undefined }));

export async function ensureAuthSecret(): Promise<string> {
  const configured = env().AUTH_SECRET;
  if (configured) return (loaded.secret = configured);
  await db
    .insert(appSettings)
    .values({ key: "auth_secret", value: randomBytes(32).toString("base64url") })
    .onConflictDoNothing();
  const [row] = await db.select().from(appSettings).where(eq(appSettings.key, "auth_secret"));
  return (loaded.secret = row!.value);
}

export function authSecret(): string {
  const s = loaded.secret ?? env().AUTH_SECRET;
  if (!s) throw new Error("AUTH_SECRET is not loaded yet: the server's start-up (instrumentation) loads it.");
  return s;
}
