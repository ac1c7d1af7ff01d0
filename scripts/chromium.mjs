// The one way Tally's tools start Debian's Chromium, for Playwright's tests (playwright.config.ts) and the
// screenshot scripts (scripts/screenshot.mjs): headless on a small shared machine, no sandbox, no GPU and
// nothing running in the background or calling home.
export const chromiumPath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

export const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];
