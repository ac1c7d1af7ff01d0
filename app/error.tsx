"use client";
import { buttonClass } from "@/components/ui/button";

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="flex min-h-[60vh] flex-col items-center justify-center px-4 text-center">
      <h1 className="text-2xl font-semibold text-zinc-900">This page could not be loaded</h1>
      <p className="mt-2 max-w-md text-sm text-zinc-500">
        Something went wrong on our side. Try again; if it keeps happening, give your administrator this reference:{" "}
        <code className="font-mono">{error.digest ?? "unknown"}</code>.
      </p>
      <button type="button" onClick={reset} className={`${buttonClass("primary")} mt-6`}>
        Try again
      </button>
    </main>
  );
}
