"use client";
// A form's error as a person meets it: it takes focus when it appears or changes, so it is seen and read
// out where they are instead of above a button that still has focus.
import { useEffect, useRef } from "react";

export function FormError({ message }: { message?: string | null }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (message) ref.current?.focus();
  }, [message]);
  if (!message) return null;
  return (
    <div
      ref={ref}
      role="alert"
      tabIndex={-1}
      className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 ring-1 ring-inset ring-red-200 outline-none"
    >
      {message}
    </div>
  );
}
