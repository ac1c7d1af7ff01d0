import { cn } from "./cn";

/**
 * A value someone else named (an event name, an id, a meter code), cut at `className`'s max width
 * with the whole value on hover: a long one cannot push its table past the card.
 */
export function CutText({ text, className }: { text: string | null | undefined; className: string }) {
  return (
    <div className={cn("truncate", className)} title={text ?? undefined}>
      {text ?? "—"}
    </div>
  );
}
