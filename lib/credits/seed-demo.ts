// Demo credits, so the credits pages have something to show out of the box: Acme bought a pack,
// has spent credits over the last days and holds a reservation; Globex got welcome credits. (Both
// already received their plans' included credits when the seed subscribed them.)
import "server-only";
import { eq } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { creditProducts } from "@/lib/db/schema";
import { addDays } from "@/lib/time";
import { consumeCredits } from "./consume-credits";
import { grantCredits, grantPurchasedCredits } from "./grant-credits";
import { reserveCredits } from "./reservations";

// A fixed pattern (no randomness), so every demo looks the same.
const DAILY = [
  { event: "ai_inference", quantity: [6, 9, 4, 12, 7, 10, 8, 5] },
  { event: "api_call_premium", quantity: [30, 18, 42, 25, 36, 20, 28, 33] },
  { event: "api_call_basic", quantity: [140, 95, 210, 160, 120, 180, 150, 175] },
];

export async function seedDemoCredits({
  acmeId,
  globexId,
  now,
}: {
  acmeId: string;
  globexId: string;
  now: Date;
}): Promise<void> {
  const [pack] = await db.select().from(creditProducts).where(eq(creditProducts.code, "credits-5k"));
  if (pack) {
    await grantPurchasedCredits(acmeId, {
      creditProductId: pack.id,
      paymentId: "seed:acme-pack-1",
      actor: "seed",
      now: addDays(now, -8),
    });
  }
  for (let d = 7; d >= 0; d--) {
    const day = addDays(now, -d);
    for (const [i, spec] of DAILY.entries()) {
      const at = new Date(Math.min(day.getTime() - (3 - i) * 3_600_000, now.getTime() - 60_000));
      await consumeCredits(acmeId, {
        eventName: spec.event,
        quantity: String(spec.quantity[7 - d]),
        idempotencyKey: `seed:acme:${d}:${spec.event}`,
        reference: `call_demo_${7 - d}${i}`,
        actor: "seed",
        now: at,
      });
    }
  }
  await reserveCredits(acmeId, {
    credits: 250,
    ttlSeconds: 6 * 3600,
    idempotencyKey: "seed:acme:hold-1",
    reference: "call_demo_live",
    actor: "seed",
    now,
  });
  await grantCredits(globexId, {
    amount: 500,
    source: "promotional",
    expiresAt: addDays(now, 30),
    reason: "Welcome credits",
    idempotencyKey: "seed:globex:welcome",
    actor: "seed",
    now,
  });
}
