import { defineConfig } from "vitest/config";
import { shared } from "./vitest.config";

// The cluster suite (tests/cluster/*.cluster.ts): replicas of the production build behind HAProxy on
// a Postgres database of its own (scripts/cluster.mjs). One file at a time; run by `npm test` after
// the end-to-end journeys, when HAProxy and Postgres are there.
export default defineConfig({
  ...shared,
  test: {
    include: ["tests/cluster/**/*.cluster.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 300_000,
    reporters: process.env.VITEST_JSON ? ["default", ["json", { outputFile: process.env.VITEST_JSON }]] : ["default"],
  },
});
