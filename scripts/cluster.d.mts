// Types of scripts/cluster.mjs for the TypeScript that imports it (tests/cluster, bench).
import type { ChildProcess } from "node:child_process";

export const CLUSTER_KEY: string;
export const CLUSTER_AUTH_SECRET: string;
export function haproxyPath(): string | null;
export function haproxyConfig(lbPort: number, ports: number[]): string;

export type Replica = {
  name: string;
  port: number;
  url: string;
  pid: number;
  child: ChildProcess | null;
  alive(): boolean;
  start(): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
};

export function startCluster(opts?: {
  replicas?: number;
  database?: string;
  lbPort?: number;
  env?: Record<string, string>;
  seedDemo?: boolean;
  log?: string;
}): Promise<{
  url: string;
  databaseUrl: string;
  database: string;
  replicas: Replica[];
  haproxy: ChildProcess;
  stop(): Promise<void>;
}>;
export function dropClusterDatabase(database?: string): Promise<void>;
