// Demo data for a new installation: an admin, two customer organizations with owners and members,
// the ALwrity plans (Free / Starter / Professional / Enterprise, monthly and yearly), the credit
// events of the multi-tenant billing guide, credit packs, and per-token model prices.
// Idempotent: a marker row makes a second run a no-op.
import "server-only";
import { eq } from "drizzle-orm";
import { hashPassword } from "@/lib/auth/password";
import { createUser } from "@/lib/auth/users";
import {
  insertCreditEvent,
  insertCreditProduct,
  insertFeature,
  insertMeter,
  insertModelPrice,
  insertPlan,
} from "@/lib/catalog/seed-catalog";
import { db, type Executor } from "@/lib/db/client";
import { appSettings, type PlanFeatureGrant, type PlanInterval, type PlanLimit } from "@/lib/db/schema";
import { createOrganization } from "@/lib/orgs/organizations";
import { dec } from "@/lib/money";
import type { Charge } from "@/lib/rating/types";
import { resolvePlan, subscribe } from "@/lib/subscriptions/subscribe";
import { rollOverSubscriptions } from "@/lib/subscriptions/rollover";
import { addSandboxCard } from "@/lib/payments/payment-methods";
import { createAgent } from "@/lib/agents/agents";
import { startCall } from "@/lib/agents/calls";
import { finalizeCallCost } from "@/lib/agents/finalize-call-cost";
import { afterDemoSeeded } from "./hooks";

export const DEMO_PASSWORD = "tally-demo";
export const DEMO_USERS = [
  { email: "admin@tally.local", role: "admin", org: null, name: "Ada Admin" },
  { email: "owner@acme.example", role: "owner", org: "acme", name: "Olivia Owner" },
  { email: "member@acme.example", role: "member", org: "acme", name: "Max Member" },
  { email: "owner@globex.example", role: "owner", org: "globex", name: "Grace Owner" },
  { email: "member@globex.example", role: "member", org: "globex", name: "Gus Member" },
] as const;

const MARKER = "demo_seeded_at";

/** Per-token prices (USD) of the models in the ALwrity guide: what the provider charges Tally's operator. */
export const MODEL_PRICES = [
  { provider: "openai", model: "gpt-4", input: "0.00003", output: "0.00006" },
  { provider: "openai", model: "gpt-3.5-turbo", input: "0.0000015", output: "0.000002" },
  { provider: "google", model: "gemini-pro", input: "0.00000025", output: "0.0000005" },
  { provider: "anthropic", model: "claude-3", input: "0.000015", output: "0.000075" },
  { provider: "mistral", model: "mistral-7b", input: "0.00000025", output: "0.00000025" },
] as const;

/** The resale price per token: the provider price with a 25 % margin, exact. */
const resale = (price: string): string => dec(price).mul("1.25").toFixed();

const tokenCharges = (): Charge[] => [
  {
    type: "usage",
    meter: "llm_input_tokens",
    name: "LLM input tokens",
    model: "group",
    group_by: "model",
    prices: Object.fromEntries(MODEL_PRICES.map((m) => [m.model, resale(m.input)])),
  },
  {
    type: "usage",
    meter: "llm_output_tokens",
    name: "LLM output tokens",
    model: "group",
    group_by: "model",
    prices: Object.fromEntries(MODEL_PRICES.map((m) => [m.model, resale(m.output)])),
  },
];

type TierSpec = {
  tier: string;
  name: string;
  description: string;
  monthlyCents: number;
  yearlyCents: number;
  apiCalls: number | null;
  credits: number;
  trialDays: number;
  charges: Charge[];
  enforcement: PlanLimit["enforcement"];
  /** Seats, SSO and priority support (the demo's boolean and numeric features). */
  features: PlanFeatureGrant[];
};

const features = (seats: number, prioritySupport: boolean, sso: boolean): PlanFeatureGrant[] => [
  { feature: "seats", value: seats },
  { feature: "priority_support", value: prioritySupport },
  { feature: "sso", value: sso },
];

export const DEMO_TIERS: TierSpec[] = [
  {
    tier: "free",
    features: features(1, false, false),
    name: "Free",
    description: "For trying Tally out: 1,000 API calls a month.",
    monthlyCents: 0,
    yearlyCents: 0,
    apiCalls: 1_000,
    credits: 100,
    trialDays: 0,
    charges: [],
    enforcement: "hard",
  },
  {
    tier: "starter",
    features: features(3, false, false),
    name: "Starter",
    description: "For small teams: 10,000 API calls a month and pay-as-you-go LLM tokens.",
    monthlyCents: 2_900,
    yearlyCents: 29_000,
    apiCalls: 10_000,
    credits: 1_000,
    trialDays: 14,
    charges: tokenCharges(),
    enforcement: "hard",
  },
  {
    tier: "professional",
    features: features(10, true, false),
    name: "Professional",
    description: "For growing products: 100,000 API calls a month, then $0.50 per 1,000.",
    monthlyCents: 9_900,
    yearlyCents: 99_000,
    apiCalls: 100_000,
    credits: 10_000,
    trialDays: 14,
    enforcement: "soft",
    charges: [
      {
        type: "usage",
        meter: "api_calls",
        name: "API calls",
        model: "graduated",
        tiers: [
          { up_to: 100_000, unit_price: "0" },
          { up_to: null, unit_price: "0.0005" },
        ],
      },
      ...tokenCharges(),
    ],
  },
  {
    tier: "enterprise",
    features: features(50, true, true),
    name: "Enterprise",
    description: "Unlimited API calls, priority support and the best token prices.",
    monthlyCents: 29_900,
    yearlyCents: 299_000,
    apiCalls: null,
    credits: 100_000,
    trialDays: 0,
    charges: tokenCharges(),
    enforcement: "soft",
  },
];

export const planCode = (tier: string, interval: PlanInterval) =>
  `${tier}-${interval === "month" ? "monthly" : "yearly"}`;

async function seedCatalog(tx: Executor): Promise<void> {
  await insertMeter(
    { code: "api_calls", name: "API calls", eventName: "api_call", aggregation: "count", unit: "call" },
    tx,
  );
  await insertMeter(
    {
      code: "llm_input_tokens",
      name: "LLM input tokens",
      eventName: "llm_call",
      aggregation: "sum",
      property: "input_tokens",
      groupBy: ["model"],
      unit: "token",
    },
    tx,
  );
  await insertMeter(
    {
      code: "llm_output_tokens",
      name: "LLM output tokens",
      eventName: "llm_call",
      aggregation: "sum",
      property: "output_tokens",
      groupBy: ["model"],
      unit: "token",
    },
    tx,
  );
  await insertMeter(
    {
      code: "storage_gb",
      name: "Storage",
      eventName: "storage_snapshot",
      aggregation: "max",
      property: "gb",
      unit: "GB",
    },
    tx,
  );
  await insertMeter(
    {
      code: "voice_minutes",
      name: "Voice minutes",
      eventName: "voice_call",
      aggregation: "sum",
      property: "minutes",
      unit: "minute",
    },
    tx,
  );
  await insertMeter(
    {
      code: "active_users",
      name: "Active users",
      eventName: "user_active",
      aggregation: "unique_count",
      property: "user_id",
      unit: "user",
    },
    tx,
  );

  const demoFeatures = [
    { key: "api_calls", kind: "metered", name: "API calls", unit: null },
    { key: "seats", kind: "numeric", name: "Seats", unit: "seat" },
    { key: "priority_support", kind: "boolean", name: "Priority support", unit: null },
    { key: "sso", kind: "boolean", name: "SSO (SAML)", unit: null },
  ] as const;
  for (const [i, f] of demoFeatures.entries()) await insertFeature({ ...f, sortOrder: i }, tx);

  let order = 0;
  for (const t of DEMO_TIERS) {
    for (const interval of ["month", "year"] as const) {
      const yearly = interval === "year";
      await insertPlan(
        {
          code: planCode(t.tier, interval),
          tier: t.tier,
          name: t.name,
          description: t.description,
          interval,
          currency: "usd",
          basePriceCents: yearly ? t.yearlyCents : t.monthlyCents,
          trialDays: t.trialDays,
          includedCredits: t.credits,
          limits: t.apiCalls === null ? [] : [{ meter: "api_calls", limit: t.apiCalls, enforcement: t.enforcement }],
          features: t.features,
          charges: t.charges,
          sortOrder: order++,
          source: "local",
        },
        tx,
      );
    }
  }

  // The FlexPrice guide's premium plan for voice agents: priced per call.
  await insertPlan(
    {
      code: "voice-premium",
      tier: "voice",
      name: "Voice Premium",
      description: "For voice agents: $0.05 a minute, $0.01 an API call, $10.00 a month.",
      interval: "month",
      currency: "usd",
      basePriceCents: 0,
      charges: [
        { type: "usage", meter: "voice_minutes", name: "Voice minutes", model: "per_unit", unit_price: "0.05" },
        { type: "usage", meter: "api_calls", name: "API calls", model: "per_unit", unit_price: "0.01" },
        { type: "fixed", name: "Monthly fee", amount: "10.00" },
      ],
      sortOrder: 100,
      selfServe: false,
      source: "local",
    },
    tx,
  );

  const events = [
    { code: "api_call_basic", name: "Basic API call", credits: 1, category: "api" },
    { code: "api_call_premium", name: "Premium API call", credits: 5, category: "api" },
    { code: "storage_gb_month", name: "Storage, per GB-month", credits: 10, category: "storage" },
    { code: "ai_inference", name: "AI inference", credits: 25, category: "ai" },
  ];
  for (const e of events) await insertCreditEvent(e, tx);

  const packs = [
    { code: "credits-1k", name: "1,000 credits", credits: 1_000, priceCents: 1_000 },
    { code: "credits-5k", name: "5,000 credits", credits: 5_000, priceCents: 4_500 },
    { code: "credits-20k", name: "20,000 credits", credits: 20_000, priceCents: 16_000 },
  ];
  for (const p of packs) await insertCreditProduct({ ...p, currency: "usd" }, tx);

  for (const m of MODEL_PRICES) {
    await insertModelPrice(
      {
        provider: m.provider,
        model: m.model,
        inputPricePerToken: m.input,
        outputPricePerToken: m.output,
        currency: "usd",
        effectiveFrom: new Date("2024-01-01T00:00:00Z"),
      },
      tx,
    );
  }
}

/** Two agents for Acme: one on the voice plan with priced calls, one without a plan (flagged to admins). */
async function seedAgents(acmeId: string, now: Date): Promise<void> {
  const voice = await resolvePlan({ code: "voice-premium" });
  const { agent } = await createAgent(
    acmeId,
    { name: "Support line", description: "Answers inbound support calls", planId: voice.id },
    "seed",
  );
  await createAgent(acmeId, { name: "Sales bot", description: "Outbound qualification calls" }, "seed");
  const minutes = ["5.5", "12", "3.25"];
  for (const [i, m] of minutes.entries()) {
    const started = new Date(now.getTime() - (i + 1) * 3_600_000);
    const call = await startCall(acmeId, { agentId: agent.id, startedAt: started });
    await finalizeCallCost(acmeId, call.id, {
      usageMetrics: { voice_minutes: m, api_calls: String(10 + i * 4) },
      sendUsage: false,
      endedAt: new Date(started.getTime() + Number(m) * 60_000),
    });
  }
}

export type SeedResult = { seeded: boolean };

export async function seedDemo(now = new Date()): Promise<SeedResult> {
  const [done] = await db.select().from(appSettings).where(eq(appSettings.key, MARKER));
  if (done) return { seeded: false };
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const orgs = await db.transaction(async (tx) => {
    await seedCatalog(tx);
    const acme = await createOrganization({ name: "Acme Corp", email: "billing@acme.example", externalId: "acme" }, tx);
    const globex = await createOrganization(
      { name: "Globex", email: "billing@globex.example", externalId: "globex" },
      tx,
    );
    const byKey = { acme: acme.id, globex: globex.id } as const;
    for (const u of DEMO_USERS) {
      await createUser(
        { email: u.email, name: u.name, passwordHash, role: u.role, orgId: u.org ? byKey[u.org] : null },
        tx,
      );
    }
    // Acme pays by card in the sandbox and has been a customer for a few months; Globex is trialing.
    await addSandboxCard(tx, acme.id, { number: "4242424242424242", expMonth: 8, expYear: now.getUTCFullYear() + 2 });
    await subscribe(
      acme.id,
      {
        plan: { code: planCode("professional", "month") },
        actor: "seed",
        now: new Date(now.getTime() - 75 * 86_400_000),
        skipTrial: true,
        externalId: "acme-main",
        provider: "local",
      },
      tx,
    );
    await subscribe(
      globex.id,
      { plan: { code: planCode("starter", "year") }, actor: "seed", now, externalId: "globex-main", provider: "local" },
      tx,
    );
    await tx.insert(appSettings).values({ key: MARKER, value: now.toISOString() });
    return { acme, globex };
  });
  await rollOverSubscriptions(now);
  await seedAgents(orgs.acme.id, now);
  await afterDemoSeeded({ acmeId: orgs.acme.id, globexId: orgs.globex.id, now });
  return { seeded: true };
}
