// An endpoint is declared once, beside its handler (lib/http/declaration.ts): the fast path's table
// and the OpenAPI document are built from the declarations Next serves, so neither can drift from app/.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { apiRoutes } from "@/app/api/routes.gen";
import { declaredIn } from "@/lib/http/declaration";
import { match, ROUTES } from "@/server/fast-routes";
import { routeLists } from "@/scripts/gen-routes.mjs";

/** `app/api/v1/calls/[call_id]/route.ts` → `/api/v1/calls/{call_id}`: where Next serves the file. */
const servedAt = (file: string) =>
  "/" +
  path
    .dirname(file)
    .replace(/^app\//, "")
    .replace(/\[(\w+)\]/g, "{$1}");

const declared = apiRoutes.flatMap(({ file, module }) => declaredIn(module).map((d) => ({ file, ...d })));

describe("route declarations", () => {
  it("lists every route module (the generated lists are current: run `npm run routes` after adding a route)", () => {
    for (const [file, text] of Object.entries(routeLists())) expect(fs.readFileSync(file, "utf8"), file).toBe(text);
  });

  it("declares each handler at the path Next serves its file at", () => {
    expect(declared.length).toBeGreaterThan(80);
    const wrong = declared
      .filter(({ file, handler }) => handler.declaration.path !== servedAt(file))
      .map(({ file, method, handler }) => `${method} ${file}: ${handler.declaration.path}`);
    expect(wrong).toEqual([]);
  });

  it("serves on the fast path exactly the declarations marked fast, with the very handler Next serves", () => {
    const fast = declared.filter(({ handler }) => handler.declaration.fast);
    expect(fast.map(({ method, handler }) => `${method} ${handler.declaration.path}`).sort()).toEqual(
      ROUTES.map((r) => `${r.method} ${r.handler.declaration.path}`).sort(),
    );
    for (const { method, handler } of fast) {
      // A request to the declared path (each {name} filled in) reaches the same function object Next exports.
      const params = Object.fromEntries(
        [...handler.declaration.path.matchAll(/\{(\w+)\}/g)].map((m) => [m[1]!, `${m[1]} a/b`]),
      );
      const url = handler.declaration.path.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(params[k]!));
      const m = match(method, url);
      expect(m?.handler, `${method} ${url}`).toBe(handler);
      expect(m?.params).toEqual(params);
    }
  });
});
