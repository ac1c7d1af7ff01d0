import os from "node:os";
import path from "node:path";
import { defineConfig } from "vitest/config";

// Unit tests sit beside the code (lib/**/*.test.ts) and touch no database. Integration tests
// (tests/**/*.test.ts) run twice when a Postgres server is configured: once on an in-memory
// PGlite and once on a fresh Postgres database per file (both copies of a database migrated once).
const pgUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;

export const shared = {
  // next-auth imports "next/server" without an extension, which Node's ESM loader refuses; let
  // Vite resolve it instead.
  ssr: { noExternal: ["next-auth", "@auth/core"] },
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      "server-only": path.resolve(import.meta.dirname, "tests/support/empty.ts"),
    },
  },
};

export default defineConfig({
  ...shared,
  test: {
    // Vitest's default is one worker fewer than the cores: one worker on a 2-core CI machine. Files of the
    // postgres project spend most of their time waiting on the server (its CPU, not the worker's), so one
    // more worker than cores keeps both cores busy; the PGlite and unit files are CPU-bound and lose nothing.
    maxWorkers: os.availableParallelism() + 1,
    reporters: process.env.VITEST_JSON ? ["default", ["json", { outputFile: process.env.VITEST_JSON }]] : ["default"],
    projects: [
      {
        ...shared,
        test: { name: "unit", include: ["lib/**/*.test.ts"], environment: "node" },
      },
      {
        ...shared,
        test: {
          name: "pglite",
          include: ["tests/**/*.test.ts"],
          environment: "node",
          globalSetup: ["tests/support/global-pglite.ts"],
          setupFiles: ["tests/support/setup-db.ts"],
          env: { TEST_DB: "pglite" },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      ...(pgUrl
        ? [
            {
              ...shared,
              test: {
                name: "postgres",
                include: ["tests/**/*.test.ts"],
                environment: "node",
                globalSetup: ["tests/support/global-postgres.ts"],
                setupFiles: ["tests/support/setup-db.ts"],
                env: { TEST_DB: "postgres" },
                testTimeout: 60_000,
                hookTimeout: 60_000,
              },
            },
          ]
        : []),
    ],
  },
});
