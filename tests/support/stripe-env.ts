// Points the app's Stripe client at a StripeServer for one test file.
import { afterAll, beforeAll } from "vitest";
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
