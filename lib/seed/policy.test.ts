import { describe, expect, it } from "vitest";
import { demoSeedDecision } from "./policy";

const PG = "postgres://tally@db/tally";

describe("demoSeedDecision", () => {
  it.each([
    [{ SEED_DEMO: undefined, DATABASE_URL: undefined, TALLY_ADMIN_EMAIL: undefined }, true],
    [{ SEED_DEMO: false, DATABASE_URL: undefined, TALLY_ADMIN_EMAIL: undefined }, false],
    [{ SEED_DEMO: undefined, DATABASE_URL: PG, TALLY_ADMIN_EMAIL: undefined }, false],
    [{ SEED_DEMO: true, DATABASE_URL: PG, TALLY_ADMIN_EMAIL: undefined }, true],
    [{ SEED_DEMO: undefined, DATABASE_URL: undefined, TALLY_ADMIN_EMAIL: "ops@example.com" }, false],
    [{ SEED_DEMO: true, DATABASE_URL: PG, TALLY_ADMIN_EMAIL: "ops@example.com" }, false],
    [{ SEED_DEMO: true, DATABASE_URL: undefined, TALLY_ADMIN_EMAIL: "ops@example.com" }, false],
  ])("%o seeds: %s", (e, seed) => {
    expect(demoSeedDecision(e).seed).toBe(seed);
  });
});
