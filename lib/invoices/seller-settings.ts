// The seller an invoice names: the operator's legal name, address, tax id, support email, footer and
// invoice number prefix — one JSON row of app_settings, read when an invoice is issued.
import "server-only";
import { eq, sql } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import { appSettings } from "@/lib/db/schema";
import { ZSellerSettings, type SellerSettings } from "./party-schemas";

const KEY = "invoicing";

/** The settings as stored, the defaults for what was never set (a stored value that no longer parses falls back too). */
export async function getSellerSettings(tx: Executor = db): Promise<SellerSettings> {
  const [row] = await tx.select().from(appSettings).where(eq(appSettings.key, KEY));
  if (row) {
    try {
      const parsed = ZSellerSettings.safeParse(JSON.parse(row.value));
      if (parsed.success) return parsed.data;
    } catch {
      // not JSON: the defaults below
    }
  }
  return ZSellerSettings.parse({});
}

/** Changes the fields given, in one statement under the row's lock; answers the whole settings. */
export async function updateSellerSettings(patch: Partial<SellerSettings>): Promise<SellerSettings> {
  return db.transaction(async (tx) => {
    await tx.insert(appSettings).values({ key: KEY, value: "{}" }).onConflictDoNothing();
    await tx.execute(sql`select 1 from app_settings where key = ${KEY} for update`);
    const current = await getSellerSettings(tx);
    const next = ZSellerSettings.parse({ ...current, ...stripUndefined(patch) });
    await tx
      .update(appSettings)
      .set({ value: JSON.stringify(next), updatedAt: new Date() })
      .where(eq(appSettings.key, KEY));
    return next;
  });
}

const stripUndefined = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

export const sellerSettingsJson = (s: SellerSettings) => ({ ...s });
