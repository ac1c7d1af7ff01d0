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
/** What failed, named again at the end: CI shows the tail of the output. */
const failures = [];
const firstLine = (text = "") =>
  String(text)
    .replace(/\x1b\[[0-9;]*m/g, "")
    .split("\n")
    .find((l) => l.trim()) ?? "";
function countVitest(file, part) {
  const v = read(file);
  if (!v) {
    failed += 1; // the runner itself failed before reporting
    failures.push(`${part}: the runner reported nothing`);
    return;
  }
  passed += v.numPassedTests;
  failed += v.numFailedTests + (v.numFailedTestSuites && !v.numFailedTests ? v.numFailedTestSuites : 0);
  for (const f of v.testResults ?? []) {
    const name = path.relative(process.cwd(), f.name);
    for (const t of f.assertionResults ?? [])
      if (t.status === "failed")
        failures.push(`${part}: ${name} › ${t.fullName} — ${firstLine(t.failureMessages?.[0])}`);
    if (f.status === "failed" && !(f.assertionResults ?? []).some((t) => t.status === "failed"))
      failures.push(`${part}: ${name} — ${firstLine(f.message)}`);
  }
}
function playwrightFailures(suites, file = "") {
  for (const s of suites ?? []) {
    for (const spec of s.specs ?? [])
      for (const t of spec.tests ?? [])
        if (t.status === "unexpected") {
          const error = t.results?.find((r) => r.status !== "passed")?.error?.message;
          failures.push(`e2e: ${s.file ?? file} › ${spec.title} — ${firstLine(error)}`);
        }
    playwrightFailures(s.suites, s.file ?? file);
  }
}
if (runs("unit")) countVitest(vitestJson, "unit");
if (runs("e2e")) {
  const p = read(playwrightJson);
  if (!p) {
    failed += 1;
    failures.push("e2e: Playwright reported nothing");
  } else {
    passed += p.stats.expected + p.stats.flaky;
    failed += p.stats.unexpected + (p.errors?.length ?? 0);
    playwrightFailures(p.suites);
    for (const e of p.errors ?? []) failures.push(`e2e: ${firstLine(e.message)}`);
  }
}
if (runs("cluster") && clusterReady) countVitest(clusterJson, "cluster");
if (failures.length) console.log(`\nFailed:\n${failures.map((f) => `  ${f.slice(0, 400)}`).join("\n")}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
