// Every environment variable Tally reads, validated once. No other module reads process.env.
import { z } from "zod";
import { parseTrustedProxies } from "@/lib/auth/client-ip";
import { processState } from "@/lib/process-state";

const bool = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no", ""])
    .optional()
    .transform((v) => (v === undefined || v === "" ? fallback : v === "true" || v === "1" || v === "yes"));

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const ZEnv = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: z.coerce.number().int().positive().default(3000),
    /** The address server/serve.mjs listens on; loopback only (127.0.0.1, ::1, localhost) opens /api/metrics without a token. */
    HOSTNAME_BIND: z.string().trim().default("0.0.0.0"),
    /** Bearer token a Prometheus scraper sends to /api/metrics (an operator's session or platform key also reads it). */
    METRICS_TOKEN: optionalString,
    APP_URL: optionalString,
    DATABASE_URL: optionalString,
    /** A Postgres streaming replica for reads that tolerate a bounded lag (lib/db/read-replica.ts). */
    DATABASE_READ_URL: optionalString,
    /** A read goes to the replica only while its measured lag is at most this (ms); else to the primary. */
    READ_REPLICA_MAX_LAG_MS: z.coerce.number().int().positive().default(2_000),
    TALLY_DATA_DIR: z.string().default(".data"),
    DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(20),
    AUTH_SECRET: optionalString,
    /** Seals secrets Tally keeps (webhook signing secrets); comma-separated to rotate: the first seals, all open (lib/secret-box.ts). */
    TALLY_ENCRYPTION_KEY: optionalString.refine(
      (v) => v === undefined || v.split(",").every((k) => k.trim().length >= 32),
      "each key needs at least 32 characters (e.g. openssl rand -base64 32)",
    ),
    AUTH_GITHUB_ID: optionalString,
    AUTH_GITHUB_SECRET: optionalString,
    AUTH_GOOGLE_ID: optionalString,
    AUTH_GOOGLE_SECRET: optionalString,
    TALLY_ADMIN_EMAIL: optionalString,
    TALLY_ADMIN_PASSWORD: optionalString,
    TALLY_BOOTSTRAP_API_KEY: optionalString,
    /** Unset: seed on the embedded database only (lib/seed/policy.ts). */
    SEED_DEMO: z
      .enum(["true", "false", "1", "0", "yes", "no", ""])
      .optional()
      .transform((v) => (v === undefined || v === "" ? undefined : v === "true" || v === "1" || v === "yes")),
    LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
    SIGN_IN_MAX_FAILURES_PER_EMAIL: z.coerce.number().int().positive().default(5),
    SIGN_IN_MAX_FAILURES_PER_IP: z.coerce.number().int().positive().default(20),
    SIGN_IN_WINDOW_SECONDS: z.coerce.number().int().positive().default(900),
    /** New accounts one client address may create per SIGN_IN_WINDOW_SECONDS (each is an organization). */
    SIGN_UPS_PER_IP: z.coerce.number().int().positive().default(10),
    /** The payment rail; unset: stripe with a key, else sandbox on the embedded database, invoice on DATABASE_URL (lib/payments/provider.ts). */
    PAYMENTS: z.enum(["stripe", "sandbox", "invoice"]).optional(),
    /** Proxies (IPs, CIDRs) whose X-Forwarded-For is believed; from any other peer the header is ignored. */
    TRUSTED_PROXIES: z
      .string()
      .default("")
      .transform((v, ctx) => {
        try {
          return parseTrustedProxies(v);
        } catch (e) {
          ctx.addIssue({ code: "custom", message: (e as Error).message });
          return z.NEVER;
        }
      }),
    STRIPE_SECRET_KEY: optionalString,
    STRIPE_PUBLISHABLE_KEY: optionalString,
    STRIPE_WEBHOOK_SECRET: optionalString,
    STRIPE_API_HOST: optionalString,
    STRIPE_API_PORT: z.coerce.number().int().positive().optional(),
    STRIPE_API_PROTOCOL: z.enum(["http", "https"]).optional(),
    /** How long a Stripe call made for a request (checkout, portal, a plan change) waits for an answer before a 503. */
    STRIPE_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
    PAST_DUE_GRACE_DAYS: z.coerce.number().int().min(0).default(7),
    JOBS_ENABLED: bool(true),
    /** Runs every background job at least this often (ms): the cluster suite makes three replicas' jobs meet. */
    JOBS_MAX_INTERVAL_MS: z.coerce.number().int().positive().optional(),
    /** Outbound webhooks: how long one delivery attempt waits for the receiver's answer. */
    WEBHOOK_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
    /** Let customers register webhook URLs on loopback and private networks (tests, single-tenant installs). */
    WEBHOOK_ALLOW_PRIVATE_URLS: bool(false),
    /** smtp(s)://user:pass@host:port: emails go out through it; unset: they are kept in the admin's mailbox (/admin/mail). */
    SMTP_URL: optionalString,
    /** The sender of every email, e.g. "Tally <billing@example.com>". */
    EMAIL_FROM: z.string().trim().default("Tally <tally@localhost>"),
    EVENT_MAX_FUTURE_SECONDS: z.coerce.number().int().positive().default(300),
    /** How often, at most, one customer's usage is checked against its plan limits (ms; 0: every batch). */
    ALERT_CHECK_INTERVAL_MS: z.coerce.number().int().min(0).default(1000),
  })
  .superRefine((e, ctx) => {
    // A rail that contradicts the Stripe key is refused rather than guessed at: money must not move
    // through a rail the operator did not mean.
    if (e.PAYMENTS === "stripe" && !e.STRIPE_SECRET_KEY) {
      ctx.addIssue({
        code: "custom",
        path: ["PAYMENTS"],
        message:
          "PAYMENTS=stripe needs STRIPE_SECRET_KEY; set the key, or choose PAYMENTS=invoice (or sandbox, for test money only)",
      });
    }
    if (e.PAYMENTS && e.PAYMENTS !== "stripe" && e.STRIPE_SECRET_KEY) {
      ctx.addIssue({
        code: "custom",
        path: ["PAYMENTS"],
        message: `PAYMENTS=${e.PAYMENTS} contradicts STRIPE_SECRET_KEY being set; unset one of them`,
      });
    }
  });

export type Env = z.infer<typeof ZEnv>;

/** Parsed once per process, not once per bundle (lib/process-state.ts). */
const parsedEnv = processState("env", () => ({ cached: undefined as Env | undefined }));

export function env(): Env {
  if (parsedEnv.cached) return parsedEnv.cached;
  const parsed = ZEnv.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`Invalid environment:\n${lines}`);
  }
  parsedEnv.cached = parsed.data;
  return parsedEnv.cached;
}

/** Tests change the environment between cases; production reads it once. */
export function resetEnvCache() {
  parsedEnv.cached = undefined;
}

export function appUrl(): string {
  const e = env();
  return (e.APP_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, "");
}

/** Whether the server listens on a loopback address only, so only this machine can reach it directly. */
export function listensOnLoopbackOnly(): boolean {
  const host = env()
    .HOSTNAME_BIND.toLowerCase()
    .replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" || /^127(?:\.\d{1,3}){3}$/.test(host);
}
