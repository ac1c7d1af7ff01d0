"use client";
// Search of the API reference: narrows the operations (and their sections) to those whose method,
// path, summary or section match every word typed. The page is whole without JavaScript; this only
// hides what does not match. "/" jumps to the field, as on most documentation sites.
import { useEffect, useRef, useState } from "react";
import { inputClass } from "@/components/ui/field";

export function DocsSearch({ total, children }: { total: number; children: React.ReactNode }) {
  const [query, setQuery] = useState("");
  const [shown, setShown] = useState(total);
  const field = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLDivElement>(null);

  /** Hides the operations and sections that do not match; answers how many operations are left. */
  const filter = (q: string) => {
    const words = q.toLowerCase().split(/\s+/).filter(Boolean);
    let count = 0;
    for (const section of list.current?.querySelectorAll<HTMLElement>("[data-docs-section]") ?? []) {
      let inSection = 0;
      for (const op of section.querySelectorAll<HTMLElement>("[data-docs-op]")) {
        const match = words.every((w) => (op.dataset.docsOp ?? "").includes(w));
        op.hidden = !match;
        if (match) inSection++;
      }
      section.hidden = inSection === 0;
      count += inSection;
    }
    return count;
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (e.key !== "/" || target?.closest("input, textarea, select, [contenteditable]")) return;
      e.preventDefault();
      field.current?.focus();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  return (
    <>
      <div className="sticky top-0 z-10 -mx-4 mt-6 bg-zinc-50/95 px-4 py-3 backdrop-blur">
        <label htmlFor="docs-search" className="sr-only">
          Search the API
        </label>
        <input
          ref={field}
          id="docs-search"
          type="search"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setShown(filter(e.target.value));
          }}
          placeholder="Search endpoints — e.g. credits consume, POST events, invoice (press / )"
          className={inputClass}
          aria-describedby="docs-search-count"
        />
        <p id="docs-search-count" className="mt-1 text-xs text-zinc-500" aria-live="polite">
          {query ? `${shown} of ${total} endpoints match` : `${total} endpoints`}
        </p>
      </div>
      <div ref={list}>{children}</div>
      {query && shown === 0 && (
        <p className="mt-6 rounded-lg bg-white p-4 text-sm text-zinc-600 ring-1 ring-zinc-200">
          No endpoint matches “{query}”. Try a resource (credits, events, invoices) or a method (GET, POST).
        </p>
      )}
    </>
  );
}
