"use client";
// A box that scrolls its content (a wide table on a phone, a long list): while the content does not fit,
// the box itself is a tab stop (WCAG 2.1.1), so a keyboard user can scroll it with the arrow keys. When
// everything fits it adds no tab stop.
import { useEffect, useRef, useState } from "react";
import { cn } from "./cn";

export function ScrollArea({
  children,
  className,
  label,
}: {
  children: React.ReactNode;
  className?: string;
  /** Names the region a screen reader announces when the box takes focus. */
  label?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrolls, setScrolls] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const check = () => setScrolls(el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1);
    check();
    const observer = new ResizeObserver(check);
    observer.observe(el);
    if (el.firstElementChild) observer.observe(el.firstElementChild);
    return () => observer.disconnect();
  }, []);
  return (
    <div
      ref={ref}
      // relative: an absolutely placed descendant (a screen-reader-only column heading) is clipped by this
      // box like the rest; without it, it sits where the wide table puts it and the page scrolls sideways.
      className={cn("relative", className)}
      tabIndex={scrolls ? 0 : undefined}
      role={scrolls && label ? "region" : undefined}
      aria-label={scrolls ? label : undefined}
    >
      {children}
    </div>
  );
}
