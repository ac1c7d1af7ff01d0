// Types of server.mjs for the TypeScript benchmarks.
import type { ChildProcess } from "node:child_process";
import type postgres from "postgres";
import type { Sql } from "postgres";

export const BENCH_KEY: string;
export type Answer = { status: number; ok: boolean; text: string };
export function send(
  url: string,
  init?: { method?: string; headers?: Record<string, string>; body?: string },
): Promise<Answer>;
export const MODELS: string[];
export function pgUrl(database?: string): string;
/** A postgres.js client; libpq's `?host=/socket/dir` becomes the host option. */
export function connect(url: string, opts?: postgres.Options<Record<string, postgres.PostgresType>>): Sql;
export function recreateDatabase(name: string): Promise<void>;
export function dropDatabase(name: string): Promise<void>;
export function rss(pid: number): { rss_mb: number; peak_mb: number };
export type BenchServer = {
  url: string;
  pid: number;
  child: ChildProcess;
  databaseUrl: string;
  peakRssMb: () => number;
  stop: () => Promise<void>;
};
export function startServer(
  name: string,
  opts?: { keep?: boolean; port?: string | number; env?: Record<string, string> },
): Promise<BenchServer>;
export function seedBenchCatalog(
  sql: Sql,
  customers: number,
): Promise<{ id: string; name: string; external_id: string }[]>;
export function percentile(sorted: number[], p: number): number;
export function cpuSeconds(pid: number): number;
export function backendCpuSeconds(sql: Sql, name: string): Promise<number>;
