"use client";
import { useActionState } from "react";
import { FormError } from "@/components/ui/field";
import { saveNotificationPreferences } from "./actions";
import { SaveRow } from "@/components/ui/save-row";

export function NotificationForm({ kinds }: { kinds: { type: string; label: string; on: boolean }[] }) {
  const [state, action, pending] = useActionState(saveNotificationPreferences, null);
  return (
    <form action={action} className="space-y-4">
      <FormError message={state && !state.ok ? state.error : undefined} />
      <fieldset>
        <legend className="sr-only">Send me an email when</legend>
        <ul className="space-y-2">
          {kinds.map((k) => (
            <li key={k.type}>
              <label className="flex items-start gap-3 text-sm text-zinc-800">
                <input
                  type="checkbox"
                  name="on"
                  value={k.type}
                  defaultChecked={k.on}
                  className="mt-0.5 h-4 w-4 rounded border-zinc-300 text-brand-600 focus:ring-brand-500"
                />
                <span>{k.label}</span>
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      <SaveRow label="Save preferences" pending={pending} message={state?.ok ? (state.message ?? "") : null} />
    </form>
  );
}
