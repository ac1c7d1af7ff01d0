"use client";
// A signing secret, shown once (after creating an endpoint or rotating its secret), with a copy button.
// It takes focus: it is what the person came for, and it will not be shown again.
import { useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";

export function SecretBanner({ secret, children }: { secret: string; children: React.ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    ref.current?.focus();
  }, [secret]);
  return (
    <div
      ref={ref}
      tabIndex={-1}
      role="status"
      className="rounded-lg bg-emerald-50 p-4 ring-1 ring-inset ring-emerald-200 outline-none"
    >
      <div className="text-sm text-emerald-900">{children}</div>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <code
          data-testid="webhook-secret"
          className="min-w-0 flex-1 break-all rounded bg-white px-3 py-2 font-mono text-sm text-zinc-900 ring-1 ring-emerald-200"
        >
          {secret}
        </code>
        <Button
          type="button"
          variant="secondary"
          onClick={async () => {
            await navigator.clipboard?.writeText(secret);
            setCopied(true);
          }}
        >
          {copied ? "Copied" : "Copy secret"}
        </Button>
      </div>
    </div>
  );
}
