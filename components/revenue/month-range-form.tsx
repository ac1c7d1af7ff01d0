import { buttonClass } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";
import { cn } from "@/components/ui/cn";

/** The months shown (GET form: the range lives in the URL), each field with its error beside it. */
export function MonthRangeForm({
  values,
  errors,
  first,
  last,
}: {
  values: { from?: string; to?: string };
  errors: Record<string, string>;
  first: string | null;
  last: string | null;
}) {
  const field = (name: "from" | "to", label: string, fallback: string | null) => (
    <div>
      <label htmlFor={`range-${name}`} className="block text-xs font-medium text-zinc-600">
        {label}
      </label>
      <input
        id={`range-${name}`}
        name={name}
        type="month"
        defaultValue={values[name] ?? fallback ?? ""}
        aria-invalid={errors[name] ? true : undefined}
        aria-describedby={errors[name] ? `range-${name}-error` : undefined}
        className={cn(inputClass, "mt-1 w-44")}
      />
      {errors[name] && (
        <p id={`range-${name}-error`} className="mt-1 text-xs text-red-600">
          {errors[name]}
        </p>
      )}
    </div>
  );
  return (
    <form className="mb-6 flex flex-wrap items-start gap-3" aria-label="Months shown">
      {field("from", "From month", first)}
      {field("to", "To month", last)}
      <button type="submit" className={cn(buttonClass("secondary"), "mt-5")}>
        Show
      </button>
    </form>
  );
}
