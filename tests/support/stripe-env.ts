// Points the app's Stripe client at a StripeServer for one test file.
import Stripe from "stripe";
import { afterAll, beforeAll, expect } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { StripeServer } from "./stripe-server";

export function withStripeServer(extraEnv: Record<string, string> = {}): StripeServer {
  const server = new StripeServer();
  beforeAll(async () => {
    await server.start();
    Object.assign(process.env, server.env(), extraEnv);
    resetEnvCache();
  });
  afterAll(async () => {
    for (const k of [...Object.keys(server.env()), ...Object.keys(extraEnv)]) delete process.env[k];
    resetEnvCache();
    await server.stop();
  });
  return server;
}

const signer = new Stripe("sk_test_signing_only");

/** Posts a Stripe event to the webhook route, signed by the SDK as Stripe signs it: the route's answer. */
export async function postStripeEvent(event: Record<string, unknown>, secret: string): Promise<Response> {
  const { POST } = await import("@/app/api/webhooks/stripe/route");
  const payload = JSON.stringify(event);
  return POST(
    new Request("http://tally.test/api/webhooks/stripe", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "stripe-signature": signer.webhooks.generateTestHeaderString({ payload, secret }),
      },
      body: payload,
    }),
  );
}

/** postStripeEvent, expecting the event taken (200). */
export async function deliverStripeEvent(event: Record<string, unknown>, secret: string): Promise<void> {
  expect((await postStripeEvent(event, secret)).status).toBe(200);
}
