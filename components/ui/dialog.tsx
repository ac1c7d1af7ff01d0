"use client";
// A modal dialog that opens where the user is: the browser's own <dialog> (focus moves into it,
// the page behind is inert, Escape closes it). Mounting it opens it; focus returns to what opened
// it when it goes away, unless the caller moves focus elsewhere (a result message). The first
// control takes focus, or the one marked data-autofocus.
import { useEffect, useId, useRef } from "react";
import { cn } from "./cn";

export function Dialog({
  title,
  onClose,
  children,
  className,
  returnFocusTo,
}: {
  title: string;
  onClose: () => void;
  /** Where focus goes back to when the element focused at opening is gone or disabled (a busy button). */
  returnFocusTo?: React.RefObject<HTMLElement | null>;
  children: React.ReactNode;
  className?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    const active = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const opener = active && active !== document.body ? active : (returnFocusTo?.current ?? null);
    if (dialog && !dialog.open) dialog.showModal();
    // showModal focuses the first control; a dialog may name another (its main answer) instead.
    dialog?.querySelector<HTMLElement>("[data-autofocus]")?.focus();
    return () => {
      if (dialog?.open) dialog.close();
      if (opener?.isConnected && !opener.hasAttribute("disabled")) opener.focus();
    };
  }, []); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onClose={onClose}
      className={cn(
        "m-auto w-[calc(100%-2rem)] max-w-md rounded-xl bg-white p-5 text-left shadow-xl ring-1 ring-zinc-200 backdrop:bg-zinc-900/40",
        className,
      )}
    >
      <h2 id={titleId} className="text-base font-semibold text-zinc-900">
        {title}
      </h2>
      <div className="mt-2 text-sm text-zinc-700">{children}</div>
    </dialog>
  );
}
