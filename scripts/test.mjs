// `npm test`: unit and integration tests (Vitest; on PGlite, and on Postgres too when
// TEST_DATABASE_URL or DATABASE_URL is set), then the Playwright journeys in Chromium, then — with
// Postgres and HAProxy there — the cluster suite (three replicas behind HAProxy, tests/cluster).
// Ends with one line: "N passed, N failed".
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

process.env.NEXT_TELEMETRY_DISABLED = "1";
const out = path.resolve(".test-reports"); // not test-results/: Playwright empties that folder
fs.mkdirSync(out, { recursive: true });
const vitestJson = path.join(out, "vitest.json");
const playwrightJson = path.join(out, "playwright.json");
const clusterJson = path.join(out, "cluster.json");
for (const f of [vitestJson, playwrightJson, clusterJson]) fs.rmSync(f, { force: true });

const only = process.argv[2]; // "unit" | "e2e" | "cluster" to run one part
const bin = (name) => path.join("node_modules", ".bin", name);

const runs = (part) => !only || only === part;
if (runs("unit")) {
  spawnSync(bin("vitest"), ["run"], { stdio: "inherit", env: { ...process.env, VITEST_JSON: vitestJson } });
}
if (runs("e2e")) {
  spawnSync(bin("playwright"), ["test"], {
    stdio: "inherit",
    env: { ...process.env, PLAYWRIGHT_JSON: playwrightJson },
  });
}

// The cluster suite needs a Postgres server (the replicas share it) and HAProxy.
const clusterDb = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
const clusterReady = clusterDb && (await import("./cluster.mjs")).haproxyPath();
if (runs("cluster")) {
  if (clusterReady)
    spawnSync(bin("vitest"), ["run", "-c", "vitest.cluster.config.ts"], {
      stdio: "inherit",
      env: { ...process.env, VITEST_JSON: clusterJson },
    });
  else
    console.log(
      `cluster suite skipped: ${clusterDb ? "HAProxy is not installed (apt-get install -y haproxy)" : "no Postgres (TEST_DATABASE_URL)"}`,
    );
}

function read(file) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

let passed = 0;
let failed = 0;
function countVitest(file) {
  const v = read(file);
  if (!v)
    failed += 1; // the runner itself failed before reporting
  else {
    passed += v.numPassedTests;
    failed += v.numFailedTests + (v.numFailedTestSuites && !v.numFailedTests ? v.numFailedTestSuites : 0);
  }
}
if (runs("unit")) countVitest(vitestJson);
if (runs("e2e")) {
  const p = read(playwrightJson);
  if (!p) failed += 1;
  else {
    passed += p.stats.expected + p.stats.flaky;
    failed += p.stats.unexpected + (p.errors?.length ?? 0);
  }
}
if (runs("cluster") && clusterReady) countVitest(clusterJson);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
