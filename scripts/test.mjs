// `npm test`: unit and integration tests (Vitest; on PGlite, and on Postgres too when
// TEST_DATABASE_URL or DATABASE_URL is set), then the Playwright journeys in Chromium.
// Ends with one line: "N passed, N failed".
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

process.env.NEXT_TELEMETRY_DISABLED = "1";
const out = path.resolve(".test-reports"); // not test-results/: Playwright empties that folder
fs.mkdirSync(out, { recursive: true });
const vitestJson = path.join(out, "vitest.json");
const playwrightJson = path.join(out, "playwright.json");
for (const f of [vitestJson, playwrightJson]) fs.rmSync(f, { force: true });

const only = process.argv[2]; // "unit" | "e2e" to run one half
const bin = (name) => path.join("node_modules", ".bin", name);

if (only !== "e2e") {
  spawnSync(bin("vitest"), ["run"], { stdio: "inherit", env: { ...process.env, VITEST_JSON: vitestJson } });
}
if (only !== "unit") {
  spawnSync(bin("playwright"), ["test"], {
    stdio: "inherit",
    env: { ...process.env, PLAYWRIGHT_JSON: playwrightJson },
  });
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
if (only !== "e2e") {
  const v = read(vitestJson);
  if (!v)
    failed += 1; // the runner itself failed before reporting
  else {
    passed += v.numPassedTests;
    failed += v.numFailedTests + (v.numFailedTestSuites && !v.numFailedTests ? v.numFailedTestSuites : 0);
  }
}
if (only !== "unit") {
  const p = read(playwrightJson);
  if (!p) failed += 1;
  else {
    passed += p.stats.expected + p.stats.flaky;
    failed += p.stats.unexpected + (p.errors?.length ?? 0);
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
