import { defineConfig } from "@playwright/test";
import { chromiumArgs, chromiumPath } from "./scripts/chromium.mjs";

// E2E_WORKERS Playwright workers (default 1), each against a server of its own with a database of its own
// (scripts/e2e-server.mjs starts one per worker on consecutive ports from E2E_PORT): journeys that change the
// demo data never meet a journey running at the same time. Workers load this file too, with their
// TEST_PARALLEL_INDEX (0 … workers−1, never two workers at once on the same one) in the environment, so
// baseURL is the server of the worker that runs the test; the main process (the web server) sees none.
const firstPort = Number(process.env.E2E_PORT || "3100");
export const workers = Math.max(1, Number(process.env.E2E_WORKERS || "1"));
export const serverURL = (slot: number) => `http://127.0.0.1:${firstPort + slot}`;
export const baseURL = serverURL(Number(process.env.TEST_PARALLEL_INDEX || "0"));

export default defineConfig({
  testDir: "e2e",
  // Within a file tests run in order on one worker (and so one server); the files are spread over the workers.
  // every-page.spec.ts, the longest by far, runs its tests in parallel (its tests are independent).
  workers,
  fullyParallel: false,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.PLAYWRIGHT_JSON
    ? [["list"], ["json", { outputFile: process.env.PLAYWRIGHT_JSON }]]
    : [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: { executablePath: chromiumPath, args: chromiumArgs },
  },
  projects: [
    { name: "setup", testMatch: /auth\.setup\.ts/ },
    { name: "chromium", use: { browserName: "chromium" }, dependencies: ["setup"] },
  ],
  webServer: {
    command: "node scripts/e2e-server.mjs",
    env: { E2E_SERVERS: String(workers) },
    url: `${serverURL(0)}/api/health`,
    wait: { stdout: /e2e: \d+ servers ready/ },
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
  },
});
