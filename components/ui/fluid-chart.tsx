"use client";
// A recharts chart that follows its box both ways. Laid out absolutely inside the box, the chart's
// drawn width never counts toward the page's layout, so a window (or phone) that narrows shrinks the
// box and the chart with it; in normal flow, the last drawn width held a grid or flex column open. The
// box clips: until the chart redraws at the new width, its old one would widen the page.
import { ResponsiveContainer } from "recharts";

export function FluidChart({ children }: { children: React.ReactElement }) {
  return (
    <div className="relative h-full w-full overflow-hidden">
      <div className="absolute inset-0">
        <ResponsiveContainer width="100%" height="100%">
          {children}
        </ResponsiveContainer>
      </div>
    </div>
  );
}
