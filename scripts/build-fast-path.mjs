// Bundles server/fast-routes.ts (and the lib/ code it uses) for server/serve.mjs. Packages stay
// external: they load from node_modules, as Next's own server loads them. The route table comes
// from the declarations of the modules server/fast-routes.gen.ts lists, written first.
import { build } from "esbuild";
import { writeRouteLists } from "./gen-routes.mjs";

export async function buildFastPath() {
  writeRouteLists();
  await build({
    entryPoints: ["server/fast-routes.ts"],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile: ".next/fast-path.mjs",
    packages: "external",
    tsconfig: "tsconfig.json",
    // "server-only" guards against bundling into client code; this bundle is server code.
    alias: { "server-only": "./server/empty.js" },
    logLevel: "warning",
    sourcemap: true,
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await buildFastPath();
