"use client";
import { useSyncExternalStore } from "react";
import { formatDate, formatDateTime } from "@/lib/format";

const subscribe = () => () => {};

/** A time in the viewer's own time zone (UTC until the browser takes over). */
export function LocalTime({
  value,
  mode = "datetime",
}: {
  value: string | Date | null | undefined;
  mode?: "date" | "datetime" | "relative";
}) {
  const isClient = useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
  if (!value) return <span>—</span>;
  const d = new Date(value);
  // The server renders UTC (and says so); the browser then shows the viewer's zone, named.
  const zone = isClient ? "local" : "UTC";
  const text =
    mode === "relative" && isClient ? relative(d) : mode === "date" ? formatDate(d, zone) : formatDateTime(d, zone);
  return (
    <time dateTime={d.toISOString()} title={d.toISOString()}>
      {text}
    </time>
  );
}

function relative(d: Date): string {
  const seconds = Math.round((d.getTime() - Date.now()) / 1000);
  const rtf = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
  const abs = Math.abs(seconds);
  if (abs < 60) return rtf.format(seconds, "second");
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), "minute");
  if (abs < 86400) return rtf.format(Math.round(seconds / 3600), "hour");
  return rtf.format(Math.round(seconds / 86400), "day");
}
