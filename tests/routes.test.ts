// An endpoint is declared once, beside its handler (lib/http/declaration.ts): the fast path's table
// and the OpenAPI document are built from the declarations Next serves, so neither can drift from app/.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { apiRoutes } from "@/app/api/routes.gen";
import { declaredIn } from "@/lib/http/declaration";
import { schemaOf } from "@/lib/http/openapi";
import { exampleOf, typescriptExample, type JsonSchema } from "@/lib/http/schema-example";
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
    expect(
      fast
        .flatMap(({ method, handler }) =>
          [handler.declaration.path, ...(handler.declaration.aliases ?? [])].map((p) => `${method} ${p}`),
        )
        .sort(),
    ).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
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

  it("serves each declared alias from a route file under app/ that exports the very same handler", async () => {
    const aliased = declared.filter(({ handler }) => handler.declaration.aliases?.length);
    expect(aliased.map(({ method, handler }) => `${method} ${handler.declaration.path}`).sort()).toEqual([
      "POST /api/v1/events",
      "POST /api/v1/events/bulk",
    ]);
    for (const { method, handler } of aliased)
      for (const alias of handler.declaration.aliases!) {
        const file = path.join("app", alias.replace(/\{(\w+)\}/g, "[$1]"), "route.ts");
        const served = (await import(/* @vite-ignore */ path.resolve(file))) as Record<string, unknown>;
        expect(served[method], `${method} ${file}`).toBe(handler);
        expect(match(method, alias)?.handler, `fast path: ${method} ${alias}`).toBe(handler);
      }
  });
});

describe("the API reference's examples", () => {
  // /docs shows each operation's request as a curl command whose body and query are made from the
  // documented schema: a reader who copies one must not get a 400.
  it("every example request passes the route's own validation", () => {
    const refused: string[] = [];
    for (const { method, handler } of declared) {
      const { doc, body, query } = handler.declaration;
      if (!doc) continue;
      const at = `${method} ${handler.declaration.path}`;
      const bodySchema = doc.body ?? body;
      if (bodySchema) {
        const example = exampleOf(schemaOf(bodySchema) as JsonSchema);
        const r = bodySchema.safeParse(example);
        if (!r.success) refused.push(`${at} body ${JSON.stringify(example)}: ${r.error.issues[0]?.message}`);
      }
      const querySchema = doc.query ?? query;
      if (querySchema) {
        // A query arrives as strings.
        const example = Object.fromEntries(
          Object.entries(exampleOf(schemaOf(querySchema) as JsonSchema) as Record<string, unknown>).map(([k, v]) => [
            k,
            String(v),
          ]),
        );
        const r = querySchema.safeParse(example);
        if (!r.success) refused.push(`${at} query ${JSON.stringify(example)}: ${r.error.issues[0]?.message}`);
      }
    }
    expect(refused).toEqual([]);
  });

  it("every TypeScript example is TypeScript that compiles, calling the operation's URL with its method", async () => {
    const ts = await import("typescript");
    const { openApiDocument } = await import("@/app/api/openapi-document");
    const doc = openApiDocument();
    const broken: string[] = [];
    let checked = 0;
    for (const [p, methods] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(methods as Record<string, Parameters<typeof typescriptExample>[3]>)) {
        const code = typescriptExample("https://tally.example", method, p, op);
        // Top-level await: a module (export {}) on ES2022.
        const out = ts.transpileModule(`${code}\nexport {};`, {
          reportDiagnostics: true,
          compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022 },
        });
        const errors = (out.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
        if (errors.length) broken.push(`${method} ${p}: ${errors[0]}`);
        if (!code.includes(`method: "${method.toUpperCase()}"`)) broken.push(`${method} ${p}: method`);
        const url = p.replace(/\{(\w+)\}/g, "${");
        if (!code.includes(`https://tally.example${url.split("${")[0]}`)) broken.push(`${method} ${p}: url`);
        checked++;
      }
    expect(checked).toBeGreaterThan(100);
    expect(broken).toEqual([]);
  });
});
