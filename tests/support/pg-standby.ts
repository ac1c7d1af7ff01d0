// A Postgres primary and a streaming replica of it, made for one test on two ports of this machine:
// initdb, then pg_basebackup -R (the standby follows the primary over streaming replication). Both
// run as the `postgres` user when the tests run as root (initdb refuses root), with fsync off and
// their sockets in their own folder; stop() removes everything.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const bindir = () => spawnSync("pg_config", ["--bindir"], { encoding: "utf8" }).stdout.trim();

function run(cmd: string, args: string[]) {
  const asPostgres = process.getuid?.() === 0;
  const r = asPostgres
    ? spawnSync("runuser", ["-u", "postgres", "--", cmd, ...args], { encoding: "utf8" })
    : spawnSync(cmd, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${path.basename(cmd)} ${args.join(" ")}: ${r.stderr || r.stdout}`);
}

export type Standby = {
  primaryUrl: (database?: string) => string;
  standbyUrl: (database?: string) => string;
  stopStandby(): void;
  stop(): void;
};

/** Starts a primary on `port` and its streaming replica on `port + 1`. */
export function startPrimaryAndStandby(port: number): Standby {
  const bin = bindir();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tally-replica-"));
  fs.chmodSync(dir, 0o777);
  if (process.getuid?.() === 0) spawnSync("chown", ["postgres", dir]);
  const primary = path.join(dir, "primary");
  const standby = path.join(dir, "standby");
  const settings = (p: number) =>
    [
      `port = ${p}`,
      "listen_addresses = '127.0.0.1'",
      `unix_socket_directories = '${dir}'`,
      "wal_level = replica",
      "max_wal_senders = 4",
      "hot_standby = on",
      "fsync = off",
      "synchronous_commit = off",
      "full_page_writes = off",
      "shared_buffers = 32MB",
    ].join("\n");
  run(path.join(bin, "initdb"), ["-D", primary, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  fs.appendFileSync(path.join(primary, "postgresql.conf"), `\n${settings(port)}\n`);
  fs.appendFileSync(path.join(primary, "pg_hba.conf"), "\nhost replication all 127.0.0.1/32 trust\n");
  run(path.join(bin, "pg_ctl"), ["-D", primary, "-l", path.join(dir, "primary.log"), "-w", "start"]);
  run(path.join(bin, "pg_basebackup"), [
    "-h",
    "127.0.0.1",
    "-p",
    String(port),
    "-U",
    "postgres",
    "-D",
    standby,
    "-R",
    "-X",
    "stream",
  ]);
  fs.appendFileSync(path.join(standby, "postgresql.conf"), `\nport = ${port + 1}\n`);
  run(path.join(bin, "pg_ctl"), ["-D", standby, "-l", path.join(dir, "standby.log"), "-w", "start"]);
  const url =
    (p: number) =>
    (database = "postgres") =>
      `postgres://postgres@127.0.0.1:${p}/${database}`;
  const stopOne = (d: string) => {
    try {
      run(path.join(bin, "pg_ctl"), ["-D", d, "-m", "immediate", "-w", "stop"]);
    } catch {}
  };
  return {
    primaryUrl: url(port),
    standbyUrl: url(port + 1),
    stopStandby: () => stopOne(standby),
    stop() {
      stopOne(standby);
      stopOne(primary);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
