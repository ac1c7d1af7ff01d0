// Developer tool: signs in and screenshots pages, to look at them. Usage:
//   node scripts/screenshot.mjs <email> <out-dir> /path1 /path2 …   (BASE_URL defaults to http://localhost:3000)
import { chromium } from "@playwright/test";

const [email, outDir, ...paths] = process.argv.slice(2);
const base = process.env.BASE_URL || "http://localhost:3000";
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
  ],
});
const page = await browser.newPage({ viewport: { width: Number(process.env.WIDTH || 1280), height: 900 } });
if (email && email !== "-") {
  await page.goto(`${base}/sign-in`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(process.env.PASSWORD || "tally-demo");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/sign-in"));
}
for (const p of paths) {
  await page.goto(`${base}${p}`);
  await page.waitForLoadState("networkidle");
  if (process.env.WAIT_MS) await page.waitForTimeout(Number(process.env.WAIT_MS));
  const file = `${outDir}/${p.replace(/[^\w]+/g, "_") || "root"}.png`;
  await page.screenshot({ path: file, fullPage: true });
  console.log(file);
}
await browser.close();
