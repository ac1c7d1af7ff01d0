"use client";
// The result a page arrives with (a payment received, a checkout canceled): it takes focus on arrival,
// so a keyboard or screen-reader user starts from what changed.
import { useEffect, useRef } from "react";
import { cn } from "./cn";

export function FocusedNotice({ children, className }: { children: React.ReactNode; className?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <div ref={ref} role="status" tabIndex={-1} className={cn("outline-none", className)}>
      {children}
    </div>
  );
}
