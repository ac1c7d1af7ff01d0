// How fast an API key may call: a token bucket holding at most `burst` requests, refilled at
// `perSecond` (lib/rate-limits/ enforces it across replicas). Each access preset has its default — a
// collector's events-only key sends far more requests than a backend reading entitlements — and
// whoever manages the key can change it. Client-safe: the key forms show and edit these.
import { z } from "zod";
import { KEY_ACCESS_PRESETS, ZKeyForm, type ApiKeyPermission, type KeyAccess } from "./key-permissions";

export type KeyRateLimit = { perSecond: number; burst: number };

export const MAX_RATE_PER_SECOND = 100_000;
export const MAX_RATE_BURST = 200_000;

/**
 * New keys' limits by access preset. A key here belongs to the operator's own backend or to one of
 * their customers' services, which spend credits and send events at the rates the benchmarks
 * measure (1,500–2,800 a second on two cores): the defaults stop a runaway loop without throttling
 * a service at its ordinary pace (Stripe's 100 a second is a shared SaaS's; the first defaults here
 * copied it, and a backend's burst of 240 spends was refused).
 */
export const PRESET_RATE_LIMITS: Record<KeyAccess, KeyRateLimit> = {
  full: { perSecond: 1000, burst: 2000 },
  events: { perSecond: 5000, burst: 10_000 },
  credits: { perSecond: 2000, burst: 4000 },
  read: { perSecond: 1000, burst: 2000 },
};

/** The operator's TALLY_BOOTSTRAP_API_KEY: their own backend's key, made with the highest limit (lowered on the keys page if wanted). */
export const BOOTSTRAP_RATE_LIMIT: KeyRateLimit = { perSecond: MAX_RATE_PER_SECOND, burst: MAX_RATE_BURST };

/** The default for a permission list: its preset's, or full access's when no preset has exactly that list. */
export function defaultRateLimit(permissions: readonly ApiKeyPermission[] | null | undefined): KeyRateLimit {
  const list = permissions ?? null;
  const same = (p: readonly string[] | null) =>
    p === list ||
    (p !== null &&
      list !== null &&
      p.length === list.length &&
      p.every((x) => (list as readonly string[]).includes(x)));
  const preset = (Object.keys(KEY_ACCESS_PRESETS) as KeyAccess[]).find((a) => same(KEY_ACCESS_PRESETS[a].permissions));
  return PRESET_RATE_LIMITS[preset ?? "full"];
}

const count = new Intl.NumberFormat("en-US");
/** "100/s, bursts of 200": how the key list shows a limit. */
export function describeRateLimit(limit: KeyRateLimit): string {
  return `${count.format(limit.perSecond)}/s, bursts of ${count.format(limit.burst)}`;
}

/** A whole number from a form field; blank is left out (the preset's default applies). */
const wholeNumber = (max: number, what: string) =>
  z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : typeof v === "string" ? Number(v.trim()) : v),
    z
      .number({ error: `Enter ${what} as a whole number.` })
      .int(`Enter ${what} as a whole number.`)
      .min(1, `${what[0]!.toUpperCase()}${what.slice(1)} must be at least 1.`)
      .max(max, `${what[0]!.toUpperCase()}${what.slice(1)} can be at most ${count.format(max)}.`),
  );

export const ZRatePerSecond = wholeNumber(MAX_RATE_PER_SECOND, "requests per second");
export const ZRateBurst = wholeNumber(MAX_RATE_BURST, "the burst");

/** The key forms' rate-limit fields; blank on creation means the chosen preset's default. */
export const ZRateLimitFields = z.object({
  rate_limit_per_second: ZRatePerSecond.optional(),
  rate_limit_burst: ZRateBurst.optional(),
});

/** Changing a key's limit: the key and both numbers. */
export const ZKeyRateLimitForm = z.object({
  id: z.string().min(1),
  rate_limit_per_second: ZRatePerSecond,
  rate_limit_burst: ZRateBurst,
});

/** The limit a form asked for, the preset's default filling what it left blank. */
export function rateLimitFrom(
  fields: z.output<typeof ZRateLimitFields>,
  permissions: readonly ApiKeyPermission[] | null,
): KeyRateLimit {
  const preset = defaultRateLimit(permissions);
  return {
    perSecond: fields.rate_limit_per_second ?? preset.perSecond,
    burst: fields.rate_limit_burst ?? preset.burst,
  };
}

/** The create forms' fields: name, access preset, and the limit (blank: the preset's). */
export const ZNewKeyForm = ZKeyForm.extend(ZRateLimitFields.shape);
