import { cn } from "./cn";

export function Stat({
  label,
  value,
  hint,
  tone,
}: {
  label: string;
  value: React.ReactNode;
  hint?: React.ReactNode;
  tone?: "default" | "warn";
}) {
  return (
    <div className="min-w-0 rounded-xl border border-zinc-200 bg-white px-4 py-4 shadow-sm sm:px-5">
      <p className="text-sm text-zinc-500">{label}</p>
      <p
        className={cn(
          "tabular mt-1 break-words text-xl font-semibold sm:text-2xl",
          tone === "warn" ? "text-amber-700" : "text-zinc-900",
        )}
      >
        {value}
      </p>
      {hint && <p className="mt-1 text-xs text-zinc-500">{hint}</p>}
    </div>
  );
}
