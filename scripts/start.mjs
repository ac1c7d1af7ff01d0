// `npm start`: build if needed, then serve on PORT (3000). With DATABASE_URL unset the data lives
// in an embedded Postgres under TALLY_DATA_DIR (.data/); migrations and the demo seed run at start.
import { spawn } from "node:child_process";
import path from "node:path";
import { ensureBuild } from "./ensure-build.mjs";
import { SERVER_NODE_FLAGS } from "../server/node-flags.mjs";

process.env.NEXT_TELEMETRY_DISABLED = "1";
ensureBuild();

const port = process.env.PORT || "3000";
const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, path.join("server", "serve.mjs")], {
  stdio: "inherit",
  env: { ...process.env, NODE_ENV: "production", PORT: port },
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(signal ? 0 : (code ?? 0)));
