/** How Tally's tools start Chromium (scripts/chromium.mjs). */
export const chromiumPath: string;
export const chromiumArgs: string[];
