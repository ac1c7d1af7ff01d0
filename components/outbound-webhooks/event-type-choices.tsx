// The event types as checkboxes, grouped; none ticked means every type (including ones added later).
import { WEBHOOK_EVENT_GROUPS } from "@/lib/outbound-webhooks/event-types";
import { EVENT_FIELD_PREFIX } from "@/lib/outbound-webhooks/schemas";

export function EventTypeChoices({ selected = [], idPrefix }: { selected?: string[]; idPrefix: string }) {
  return (
    <fieldset>
      <legend className="text-sm font-medium text-zinc-700">Event types</legend>
      <p className="mt-0.5 text-xs text-zinc-500">
        Leave every box empty to receive all events, including types added later.
      </p>
      <div className="mt-2 grid grid-cols-[repeat(auto-fill,minmax(14rem,1fr))] gap-4">
        {WEBHOOK_EVENT_GROUPS.map((g) => (
          <fieldset key={g.label}>
            <legend className="text-xs font-semibold uppercase tracking-wide text-zinc-500">{g.label}</legend>
            <ul className="mt-1 space-y-1">
              {g.types.map((t) => {
                const id = `${idPrefix}-${t.type}`;
                return (
                  <li key={t.type} className="flex items-start gap-2">
                    <input
                      id={id}
                      type="checkbox"
                      name={`${EVENT_FIELD_PREFIX}${t.type}`}
                      defaultChecked={selected.includes(t.type)}
                      className="mt-0.5 size-4 rounded border-zinc-300 text-brand-600 focus:ring-brand-500"
                    />
                    <label htmlFor={id} className="text-sm text-zinc-700">
                      {t.label} <span className="block font-mono text-xs text-zinc-500">{t.type}</span>
                    </label>
                  </li>
                );
              })}
            </ul>
          </fieldset>
        ))}
      </div>
    </fieldset>
  );
}
