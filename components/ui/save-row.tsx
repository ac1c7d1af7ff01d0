import { Button } from "./button";

/**
 * A settings form's last row: its submit button ("Saving…" while the action runs) and, once it saved, what
 * happened, announced. `message` is null until a save succeeded.
 */
export function SaveRow({ label, pending, message }: { label: string; pending: boolean; message: string | null }) {
  return (
    <div className="flex flex-wrap items-center gap-3">
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : label}
      </Button>
      {message !== null && (
        <p role="status" className="text-sm text-emerald-700">
          {message}
        </p>
      )}
    </div>
  );
}
