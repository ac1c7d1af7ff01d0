"use client";
// The API reference's "Try it": a signed-in person sends one operation's request to this
// installation — with an API key they paste (kept for this tab only, in sessionStorage), or with
// their own session when they leave it empty — and reads the answer: status, rate-limit headers and
// the body. Nothing is mounted until "Try it" is pressed, so the page of every operation stays light.
import { useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/field";
import { cn } from "@/components/ui/cn";

const KEY_STORE = "tally-docs-api-key";

type Answer = { status: number; statusText: string; remaining: string | null; body: string; ms: number };

export function TryIt({
  method,
  path,
  query,
  body,
}: {
  method: string;
  path: string;
  /** The example query string (its required parameters). */
  query: string;
  /** The example body as JSON, or null when the operation takes none. */
  body: string | null;
}) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const [sending, setSending] = useState(false);
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const verb = method.toUpperCase();
  const mutates = verb !== "GET";

  if (!open)
    return (
      <Button type="button" variant="secondary" size="sm" onClick={() => setOpen(true)}>
        Try it
      </Button>
    );

  async function send(form: FormData) {
    setSending(true);
    setError(null);
    const key = String(form.get("key") ?? "").trim();
    try {
      if (key) sessionStorage.setItem(KEY_STORE, key);
      else sessionStorage.removeItem(KEY_STORE);
    } catch {}
    let url = path;
    for (const p of params) url = url.replace(`{${p}}`, encodeURIComponent(String(form.get(`param-${p}`) ?? "")));
    const q = String(form.get("query") ?? "").trim();
    const text = body === null ? null : String(form.get("body") ?? "");
    if (text !== null && text.trim()) {
      try {
        JSON.parse(text);
      } catch (e) {
        setError(`The body is not JSON: ${(e as Error).message}`);
        setSending(false);
        return;
      }
    }
    const started = performance.now();
    try {
      const res = await fetch(`${url}${q ? `?${q.replace(/^\?/, "")}` : ""}`, {
        method: verb,
        credentials: "same-origin",
        headers: {
          ...(key ? { authorization: `Bearer ${key}` } : {}),
          ...(text?.trim() ? { "content-type": "application/json" } : {}),
        },
        body: text?.trim() ? text : undefined,
      });
      const raw = await res.text();
      let shown = raw;
      try {
        shown = JSON.stringify(JSON.parse(raw), null, 2);
      } catch {}
      setAnswer({
        status: res.status,
        statusText: res.statusText,
        remaining: res.headers.get("ratelimit-remaining"),
        body: shown.length > 20_000 ? `${shown.slice(0, 20_000)}\n…` : shown,
        ms: Math.round(performance.now() - started),
      });
    } catch (e) {
      setError(`The request did not reach the server: ${(e as Error).message}`);
    } finally {
      setSending(false);
    }
  }

  let savedKey = "";
  try {
    savedKey = sessionStorage.getItem(KEY_STORE) ?? "";
  } catch {}

  return (
    <form
      action={send}
      aria-label={`Try ${verb} ${path}`}
      className="space-y-3 rounded-md bg-zinc-50 p-3 ring-1 ring-zinc-200"
    >
      {mutates && (
        <p className="text-xs text-amber-800">
          This sends the request to this installation for real: a {verb} changes what it names.
        </p>
      )}
      <Field
        id={`${id}-key`}
        label="API key"
        name="key"
        type="password"
        autoComplete="off"
        defaultValue={savedKey}
        placeholder="tly_live_…"
        hint="Empty: your signed-in session. A key is kept for this tab only."
      />
      {params.map((p) => (
        <Field key={p} id={`${id}-${p}`} label={p} name={`param-${p}`} required className="font-mono" />
      ))}
      <Field
        id={`${id}-query`}
        label="Query"
        name="query"
        defaultValue={query}
        placeholder="limit=10"
        className="font-mono"
      />
      {body !== null && (
        <div>
          <label htmlFor={`${id}-body`} className="block text-sm font-medium text-zinc-700">
            Body (JSON)
          </label>
          <textarea
            id={`${id}-body`}
            name="body"
            defaultValue={body}
            rows={Math.min(14, body.split("\n").length + 1)}
            spellCheck={false}
            className={cn(inputClass, "mt-1 font-mono text-xs")}
          />
        </div>
      )}
      {error && (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      )}
      <div className="flex flex-wrap gap-2">
        <Button type="submit" size="sm" disabled={sending}>
          {sending ? "Sending…" : `Send ${verb}`}
        </Button>
        <Button type="button" variant="secondary" size="sm" onClick={() => setOpen(false)}>
          Close
        </Button>
      </div>
      {answer && (
        <div role="status" aria-label="Answer">
          <p className="text-sm">
            <span
              className={cn("font-mono font-semibold", answer.status < 300 ? "text-emerald-700" : "text-red-700")}
              data-testid="try-status"
            >
              {answer.status} {answer.statusText}
            </span>{" "}
            <span className="text-xs text-zinc-500">
              in {answer.ms} ms{answer.remaining !== null && ` · ${answer.remaining} requests left this second`}
            </span>
          </p>
          <pre
            tabIndex={0}
            aria-label="Answer body"
            className="mt-1 max-h-80 overflow-auto rounded-md bg-zinc-900 px-3 py-2 font-mono text-xs leading-relaxed text-zinc-100"
          >
            {answer.body || "(empty)"}
          </pre>
        </div>
      )}
    </form>
  );
}
