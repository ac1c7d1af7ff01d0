import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { DocsSearch } from "@/components/docs/docs-search";
import { SchemaFields } from "@/components/docs/schema-fields";
import { Badge } from "@/components/ui/badge";
import { openApiDocument } from "@/app/api/openapi-document";
import { appUrl } from "@/lib/env";
import { TryIt } from "@/components/docs/try-it";
import { currentUser } from "@/lib/auth/session";
import {
  bodyExample,
  curlExample,
  exampleOf,
  queryExample,
  typescriptExample,
  type JsonSchema,
} from "@/lib/http/schema-example";

export const metadata: Metadata = { title: "API reference" };

const METHOD_TONE = { get: "blue", post: "green", patch: "amber", put: "amber", delete: "red" } as const;

type Op = {
  summary: string;
  description?: string;
  tags: string[];
  security?: unknown[];
  parameters: { name: string; in: string; required?: boolean; schema?: JsonSchema }[];
  requestBody?: { content: { "application/json": { schema: JsonSchema } } };
  responses: Record<string, { description: string; content?: { "application/json": { schema: JsonSchema } } }>;
};

/** The first success answer's example, made from its declared schema (none when it declares none). */
function answerExample(op: Op): { status: string; json: string } | null {
  for (const [status, r] of Object.entries(op.responses)) {
    const schema = r.content?.["application/json"].schema;
    if (Number(status) < 300 && schema) return { status, json: JSON.stringify(exampleOf(schema), null, 2) };
  }
  return null;
}

const codeBlock =
  "overflow-x-auto rounded-md bg-zinc-900 px-3 py-2 font-mono text-xs leading-relaxed text-zinc-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500";

export default async function DocsPage() {
  // Rendered per request: the examples name this installation's own URL (APP_URL), known at run time.
  await connection();
  const doc = openApiDocument();
  const base = appUrl();
  // A signed-in person may send requests from the page ("Try it"); the reference itself is public.
  const signedIn = (await currentUser()) !== null;
  const byTag = new Map<string, { method: string; path: string; op: Op }[]>();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods as Record<string, Op>)) {
      const tag = op.tags[0] ?? "Other";
      byTag.set(tag, [...(byTag.get(tag) ?? []), { method, path, op }]);
    }
  }
  return (
    <main className="mx-auto max-w-5xl px-4 py-10">
      <p className="text-sm">
        <Link href="/" className="text-brand-600 hover:text-brand-700">
          ← Back to Tally
        </Link>
      </p>
      <h1 className="mt-2 text-3xl font-semibold tracking-tight text-zinc-900">{doc.info.title}</h1>
      <p className="mt-2 max-w-3xl text-sm text-zinc-600">{doc.info.description}</p>
      <div className="mt-4 rounded-lg bg-white p-4 text-sm text-zinc-700 ring-1 ring-zinc-200">
        <p>
          Authenticate with an API key as <code className="font-mono text-xs">Authorization: Bearer tly_live_…</code> or{" "}
          <code className="font-mono text-xs">x-api-key</code>. Errors are{" "}
          <code className="font-mono text-xs">{`{"error": {"code", "message", "details", "request_id"}}`}</code>. Every
          POST that moves usage, credits or money is idempotent: send an{" "}
          <code className="font-mono text-xs">Idempotency-Key</code> header or the body&apos;s own key.
        </p>
        <p className="mt-2">
          Each API key has a rate limit (requests a second and a burst, set on its keys page). Past it a request is
          answered <code className="font-mono text-xs">429 rate_limited</code> with{" "}
          <code className="font-mono text-xs">Retry-After</code> (seconds): wait that long and send it again. Every
          answer to a key carries <code className="font-mono text-xs">RateLimit-Limit</code>,{" "}
          <code className="font-mono text-xs">RateLimit-Remaining</code> and{" "}
          <code className="font-mono text-xs">RateLimit-Reset</code> (and the same as{" "}
          <code className="font-mono text-xs">X-RateLimit-*</code>, its Reset a Unix time) so a client can slow down
          before it is refused. The limit holds across every server within the tolerance in docs/cluster.md.
        </p>
        <p className="mt-2">
          Machine-readable:{" "}
          <a href="/api/v1/openapi.json" className="font-mono text-xs text-brand-600 hover:text-brand-700">
            /api/v1/openapi.json
          </a>
        </p>
      </div>
      <DocsSearch total={[...byTag.values()].reduce((n, ops) => n + ops.length, 0)}>
        <nav aria-label="Sections" className="mt-2 flex flex-wrap gap-2">
          {[...byTag.keys()].map((tag) => (
            <a
              key={tag}
              href={`#${tag.toLowerCase().replace(/\W+/g, "-")}`}
              className="rounded-full bg-white px-3 py-1 text-xs font-medium text-zinc-700 ring-1 ring-zinc-200 hover:bg-zinc-50"
            >
              {tag}
            </a>
          ))}
        </nav>
        {[...byTag.entries()].map(([tag, ops]) => (
          <section key={tag} id={tag.toLowerCase().replace(/\W+/g, "-")} className="mt-10" data-docs-section>
            <h2 className="text-lg font-semibold text-zinc-900">{tag}</h2>
            <div className="mt-3 space-y-3">
              {ops.map(({ method, path, op }) => (
                <details
                  key={`${method} ${path}`}
                  className="group rounded-lg bg-white ring-1 ring-zinc-200"
                  data-docs-op={`${method} ${path} ${op.summary} ${tag}`.toLowerCase()}
                >
                  <summary className="flex cursor-pointer list-none items-center gap-3 px-4 py-3">
                    <Badge
                      tone={METHOD_TONE[method as keyof typeof METHOD_TONE] ?? "gray"}
                      className="w-14 justify-center font-mono uppercase"
                    >
                      {method}
                    </Badge>
                    <code className="min-w-0 break-all font-mono text-sm text-zinc-900">{path}</code>
                    <span className="ml-auto hidden text-sm text-zinc-500 sm:block">{op.summary}</span>
                  </summary>
                  <div className="space-y-3 border-t border-zinc-100 px-4 py-3 text-sm">
                    <p className="whitespace-pre-line text-zinc-600">{op.description}</p>
                    {op.parameters.filter((p) => p.in === "query").length > 0 && (
                      <div>
                        <h3 className="text-xs font-semibold uppercase tracking-wide text-zinc-500">Query</h3>
                        <ul className="mt-1">
                          {op.parameters
                            .filter((p) => p.in === "query")
                            .map((p) => (
                              <li key={p.name}>
                                <code className="font-mono text-xs">{p.name}</code>
                                {p.required && <span className="ml-2 text-xs text-red-600">required</span>}
                              </li>
                            ))}
                        </ul>
                      </div>
                    )}
                    {op.requestBody && (
                      <div>
                        <h3 className="text-xs font-semibold uppercase tracking-wide text-zinc-500">Body</h3>
                        <SchemaFields schema={op.requestBody.content["application/json"].schema} />
                      </div>
                    )}
                    <div>
                      <h3 className="text-xs font-semibold uppercase tracking-wide text-zinc-500">Example request</h3>
                      <pre
                        className={`mt-1 ${codeBlock}`}
                        tabIndex={0}
                        aria-label={`Example request: ${method.toUpperCase()} ${path}`}
                      >
                        {curlExample(base, method, path, op)}
                      </pre>
                      <h3 className="mt-3 text-xs font-semibold uppercase tracking-wide text-zinc-500">
                        The same in TypeScript
                      </h3>
                      <pre
                        className={`mt-1 ${codeBlock}`}
                        tabIndex={0}
                        aria-label={`TypeScript example: ${method.toUpperCase()} ${path}`}
                      >
                        {typescriptExample(base, method, path, op)}
                      </pre>
                    </div>
                    {signedIn ? (
                      <TryIt method={method} path={path} query={queryExample(op)} body={bodyExample(op)} />
                    ) : (
                      <p className="text-xs text-zinc-500">
                        <Link href="/sign-in?callbackUrl=/docs" className="text-brand-600 hover:text-brand-700">
                          Sign in
                        </Link>{" "}
                        to try requests from this page.
                      </p>
                    )}
                    {(() => {
                      const answer = answerExample(op);
                      return answer ? (
                        <div>
                          <h3 className="text-xs font-semibold uppercase tracking-wide text-zinc-500">
                            Example answer ({answer.status})
                          </h3>
                          <pre
                            className={`mt-1 max-h-80 ${codeBlock}`}
                            tabIndex={0}
                            aria-label={`Example answer: ${method.toUpperCase()} ${path}`}
                          >
                            {answer.json}
                          </pre>
                        </div>
                      ) : null;
                    })()}
                    <div>
                      <h3 className="text-xs font-semibold uppercase tracking-wide text-zinc-500">Responses</h3>
                      <ul className="mt-1">
                        {Object.entries(op.responses).map(([status, r]) => (
                          <li key={status}>
                            <code className="font-mono text-xs">{status}</code>{" "}
                            <span className="text-zinc-600">{r.description}</span>
                          </li>
                        ))}
                      </ul>
                    </div>
                  </div>
                </details>
              ))}
            </div>
          </section>
        ))}
      </DocsSearch>
    </main>
  );
}
