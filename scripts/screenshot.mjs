// Developer tool: signs in and screenshots pages, to look at them. Usage:
//   node scripts/screenshot.mjs <email> <out-dir> /path1 /path2 …   (BASE_URL defaults to http://localhost:3000)
// WIDTH (1280) sets the viewport; WAIT_MS waits after the page settles (charts animate). `npm run screenshots`
// (scripts/screenshots.mjs) uses takeScreenshots for the README's images.
import { chromium } from "@playwright/test";
import { chromiumArgs, chromiumPath } from "./chromium.mjs";

/**
 * Signs in as `email` ("-" or empty: nobody) and writes one PNG per shot: `{ path, file }`. `fullPage`
 * takes the whole page, else the viewport.
 */
export async function takeScreenshots({
  base,
  email,
  password = "tally-demo",
  shots,
  width = 1280,
  height = 900,
  fullPage = true,
  waitMs = 0,
}) {
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  try {
    const page = await browser.newPage({ viewport: { width, height } });
    if (email && email !== "-") {
      await page.goto(`${base}/sign-in`);
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill(password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL((u) => !u.pathname.startsWith("/sign-in"));
    }
    for (const shot of shots) {
      await page.goto(`${base}${shot.path}`);
      await page.waitForLoadState("networkidle");
      if (waitMs) await page.waitForTimeout(waitMs);
      await page.screenshot({ path: shot.file, fullPage });
      console.log(shot.file);
    }
  } finally {
    await browser.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [email, outDir, ...paths] = process.argv.slice(2);
  await takeScreenshots({
    base: process.env.BASE_URL || "http://localhost:3000",
    email,
    password: process.env.PASSWORD || "tally-demo",
    width: Number(process.env.WIDTH || 1280),
    waitMs: Number(process.env.WAIT_MS || 0),
    shots: paths.map((p) => ({ path: p, file: `${outDir}/${p.replace(/[^\w]+/g, "_") || "root"}.png` })),
  });
}
