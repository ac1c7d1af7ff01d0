import fs from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { ADMIN_STATE, MEMBER_STATE, OWNER_STATE, signUpNewOrg } from "./support";

// Issue 19: every page, as every role that can open it, on a desktop (1440×900) and a phone (390×844):
// no sideways scrolling, no table cut at the right on a desktop, no console or hydration error, and no
// serious or critical accessibility violation (axe-core). The pages come from app/, so a new page is swept
// without touching this file; a new [param] page needs a line in ID_SOURCES saying where the demo data
// links to one.

// The longest spec by far: its tests spread over all the workers (each opens its page on its worker's server and
// changes nothing another test reads).
test.describe.configure({ mode: "parallel" });

const VIEWPORTS = [
  { name: "desktop", width: 1440, height: 900 },
  { name: "phone", width: 390, height: 844 },
] as const;

type Role = "anonymous" | "owner" | "member" | "admin";

/** Who opens the pages of each top-level folder (a route group or a segment) of app/. */
const AREAS: Record<string, Role[]> = {
  "(app)": ["owner", "member"],
  "(auth)": ["anonymous"],
  admin: ["admin"],
  docs: ["anonymous"],
  // The public pricing page: anyone, signed in or not.
  pricing: ["anonymous", "owner"],
  // The sandbox checkout and card portal act for the organization's owner.
  sandbox: ["owner"],
};

/** Where the demo data links to a page with a parameter: the page listing it and, optionally, which link. */
const ID_SOURCES: Record<string, { from: string; name?: RegExp } | { make: (page: Page) => Promise<string> }> = {
  "/agents/[id]": { from: "/agents" },
  "/billing/invoices/[id]": { from: "/billing" },
  // By search: the list's first page holds the newest customers, and journeys keep adding some.
  "/admin/customers/[id]": { from: "/admin?q=Acme", name: /Acme/ },
  "/admin/agents/[id]": { from: "/admin/customers/[id]" },
  "/admin/plans/[id]": { from: "/admin/plans" },
  // Sandbox payments write local events to the log. Journeys that pay (billing, credits) may have run on this
  // worker's server before, or not (the demo data has none): then a new organization buys a credit pack.
  "/admin/webhooks/[id]": {
    make: async (page) => {
      const firstEvent = async () => {
        await page.goto("/admin/webhooks");
        return page
          .locator('a[href^="/admin/webhooks/"]')
          .first()
          .getAttribute("href", { timeout: 2_000 })
          .catch(() => null);
      };
      const href = await firstEvent();
      if (href) return href;
      await sandboxPayment(page);
      const made = await firstEvent();
      expect(made, "the sandbox payment wrote an event to the log").toBeTruthy();
      return made!;
    },
  },
  // The demo data has no webhook endpoints: the owner's and the admin's sweeps add one (see webhookEndpoint).
  "/webhook-endpoints/[id]": { make: (page) => webhookEndpoint(page, "/webhook-endpoints") },
  "/webhook-deliveries/[id]": { make: (page) => webhookDelivery(page, "/webhook-endpoints") },
  "/admin/webhook-endpoints/[id]": { make: (page) => webhookEndpoint(page, "/admin/webhook-endpoints") },
  "/admin/webhook-deliveries/[id]": { make: (page) => webhookDelivery(page, "/admin/webhook-endpoints") },
  // A checkout session exists once someone starts paying: start one for a credit pack (nothing is charged).
  "/sandbox/checkout/[id]": {
    make: async (page) => {
      await page.goto("/credits");
      await page
        .getByRole("button", { name: /^Buy for / })
        .first()
        .click();
      await page.waitForURL(/\/sandbox\/checkout\/[^/]+$/);
      return new URL(page.url()).pathname;
    },
  },
};

/** A new organization (in a context of its own, signed out of the role's) pays for a credit pack in the sandbox. */
async function sandboxPayment(page: Page) {
  const context = await page
    .context()
    .browser()!
    .newContext({ storageState: { cookies: [], origins: [] } });
  const buyer = await context.newPage();
  await signUpNewOrg(buyer, `Sweep Co ${Date.now()}`);
  await buyer.goto("/credits");
  await buyer.getByTestId("pack-credits-1k").getByRole("button", { name: "Buy for $10.00" }).click();
  await buyer.getByRole("button", { name: "Pay $10.00" }).click();
  await expect(buyer).toHaveURL(/\/credits\?purchase=success/);
  await context.close();
}

/**
 * An endpoint with a delivery in its log, on the customer's or the admin's list: the first listed, or
 * (the demo data has none) one added through the page's own form, sent a test event (it answers
 * nothing: the delivery waits for a retry, with its error). A member cannot add one: skipped then.
 */
async function webhookEndpoint(page: Page, list: string): Promise<string> {
  await page.goto(list);
  const href = await page
    .locator(`a[href^="${list}/whe_"]`)
    .first()
    .getAttribute("href", { timeout: 2_000 })
    .catch(() => null);
  if (href) return href;
  const add = page.getByRole("button", { name: "Add endpoint" });
  test.skip((await add.count()) === 0, "no webhook endpoint yet, and this role cannot add one");
  await page.getByLabel("URL", { exact: true }).fill("http://127.0.0.1:9/every-page-sweep");
  await add.click();
  await page.getByRole("link", { name: "Open the endpoint" }).click();
  await page.waitForURL(new RegExp(`${list}/whe_[^/]+$`));
  await page.getByRole("button", { name: "Send test event" }).click();
  await expect(page.getByText(/Test event queued/)).toBeVisible();
  return new URL(page.url()).pathname;
}

async function webhookDelivery(page: Page, list: string): Promise<string> {
  const endpoint = await webhookEndpoint(page, list);
  const delivery = page.locator(`a[href^="${list.replace("endpoints", "deliveries")}/"]`).first();
  await page.goto(endpoint);
  let href = await delivery.getAttribute("href", { timeout: 2_000 }).catch(() => null);
  // The first endpoint listed may be one another journey on this server added and never sent anything to.
  const send = page.getByRole("button", { name: "Send test event" });
  if (!href && (await send.count()) > 0) {
    await send.click();
    await expect(page.getByText(/Test event queued/)).toBeVisible();
    await page.reload();
    href = await delivery.getAttribute("href", { timeout: 10_000 }).catch(() => null);
  }
  test.skip(!href, "the endpoint has no delivery yet");
  return href!;
}

type PageRoute = { route: string; roles: Role[] };

/** Every page.tsx under app/, as its URL pattern ("/admin/customers/[id]/usage") and the roles that open it. */
function pagesFromAppDir(): PageRoute[] {
  const appDir = path.resolve("app");
  const found: PageRoute[] = [];
  const walk = (dir: string, segments: string[]) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (entry.name === "api" && segments.length === 0) continue;
        if (entry.name.startsWith("_") || entry.name.startsWith("@")) continue;
        walk(path.join(dir, entry.name), [...segments, entry.name]);
      } else if (/^page\.(tsx|ts|jsx|js|mdx)$/.test(entry.name)) {
        const area = segments[0] ?? "(app)";
        const roles = AREAS[area];
        if (!roles)
          throw new Error(`app/${segments.join("/")}: add its area "${area}" to AREAS in e2e/every-page.spec.ts`);
        const url = segments.filter((s) => !/^\(.*\)$/.test(s)).join("/");
        found.push({ route: `/${url}`, roles });
      }
    }
  };
  walk(appDir, []);
  return found.sort((a, b) => a.route.localeCompare(b.route));
}

const PAGES = pagesFromAppDir();

/** Resolved ids per role, for the tests this worker runs (on its own server, so its own ids). */
const resolved = new Map<string, string>();

/** The URL of a route for a role: each [param] prefix filled from the demo data the role can see. */
async function urlFor(page: Page, role: Role, route: string): Promise<string> {
  const segments = route.split("/");
  let url = route;
  for (let i = 0; i < segments.length; i++) {
    if (!/^\[.+\]$/.test(segments[i] ?? "")) continue;
    const pattern = segments.slice(0, i + 1).join("/");
    const key = `${role} ${pattern}`;
    if (!resolved.has(key)) {
      const source = ID_SOURCES[pattern];
      if (!source) throw new Error(`${route}: add "${pattern}" to ID_SOURCES (where the demo data links to one)`);
      let found: string;
      if ("make" in source) found = await source.make(page);
      else {
        await page.goto(await urlFor(page, role, source.from));
        const prefix = pattern.slice(0, pattern.lastIndexOf("/") + 1);
        const links = page.locator(`a[href^="${prefix}"]`).filter(source.name ? { hasText: source.name } : {});
        const hrefs = await links.evaluateAll((as) => as.map((a) => a.getAttribute("href")!));
        const href = hrefs
          .map((h) => h.split(/[?#]/)[0] ?? h)
          // "/admin/plans/new" is a page of its own beside "/admin/plans/[id]", not an id.
          .find((h) => h.split("/").length === i + 1 && !h.endsWith("/new"));
        if (!href) throw new Error(`${route}: no link to ${pattern} on ${source.from} as ${role}`);
        found = href;
      }
      resolved.set(key, found);
    }
    url =
      resolved.get(key)! +
      url
        .split("/")
        .slice(i + 1)
        .map((s) => `/${s}`)
        .join("");
    return urlFor(page, role, url);
  }
  return url;
}

/** How far the page itself scrolls sideways (0 when it fits), and the widest offenders when it does. */
async function pageOverflow(page: Page) {
  return page.evaluate(() => {
    const root = document.documentElement;
    const overflow = root.scrollWidth - root.clientWidth;
    const offenders =
      overflow > 0
        ? [...document.querySelectorAll<HTMLElement>("body *")]
            .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 1)
            .filter((el) => !el.closest(".overflow-x-auto"))
            .slice(0, 5)
            .map((el) => `${el.tagName.toLowerCase()}.${el.className}`.slice(0, 120))
        : [];
    return { overflow, offenders };
  });
}

/** Tables whose columns run past the right edge of their card (they scroll inside it, hiding columns). */
async function cutTables(page: Page) {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>(".overflow-x-auto")]
      .filter((el) => el.querySelector("table") && el.scrollWidth > el.clientWidth + 1)
      .map((el) => `${el.querySelector("table")!.getAttribute("aria-label") ?? el.querySelector("th")?.textContent}`),
  );
}

/** Every link in the main navigation is inside the viewport, so none hides off to the side. */
async function navOffScreen(page: Page) {
  const nav = page.getByRole("navigation", { name: "Main" });
  if ((await nav.count()) === 0) return [];
  const width = page.viewportSize()!.width;
  return nav.getByRole("link").evaluateAll(
    (links, w) =>
      links
        .filter((a) => {
          const r = a.getBoundingClientRect();
          return r.width === 0 || r.left < 0 || r.right > w;
        })
        .map((a) => a.textContent),
    width,
  );
}

const STATE: Record<Role, string | undefined> = {
  anonymous: undefined,
  owner: OWNER_STATE,
  admin: ADMIN_STATE,
  member: MEMBER_STATE,
};

for (const role of ["anonymous", "owner", "member", "admin"] as const) {
  const pages = PAGES.filter((p) => p.roles.includes(role));
  test.describe(`${role}`, () => {
    // A page with a few hundred table rows takes axe seconds; on a loaded machine, tens of seconds.
    test.describe.configure({ timeout: 180_000 });
    test.use({
      storageState: STATE[role] ?? { cookies: [], origins: [] },
      viewport: { width: VIEWPORTS[0].width, height: VIEWPORTS[0].height },
    });
    for (const { route } of pages) {
      // One load per page: the desktop checks and axe first, then the same page narrowed to a phone's width
      // (the layout is CSS media queries, so a resize is what a reload at that width would show).
      test(route, async ({ page }) => {
        const problems: string[] = [];
        const url = await urlFor(page, role, route);
        page.on("console", (msg) => {
          if (msg.type() === "error") problems.push(`console error: ${msg.text().slice(0, 300)}`);
        });
        page.on("pageerror", (err) => problems.push(`uncaught: ${err.message.slice(0, 300)}`));
        const res = await page.goto(url);
        expect(res?.status(), `${url} answers`).toBe(200);
        expect(new URL(page.url()).pathname, `${url} does not redirect`).toBe(url.split("?")[0]);
        await page.waitForLoadState("networkidle");

        const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
        for (const v of axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical"))
          problems.push(
            `axe ${v.id} (${v.impact}): ${v.help} — ${v.nodes
              .slice(0, 4)
              .map((n) => n.target.join(" "))
              .join(", ")}${v.nodes.length > 4 ? ` and ${v.nodes.length - 4} more` : ""}`,
          );
        for (const vp of VIEWPORTS) {
          await page.setViewportSize({ width: vp.width, height: vp.height });
          const at = `at ${vp.width} px`;
          const { overflow, offenders } = await pageOverflow(page);
          if (overflow > 0) problems.push(`${at}: scrolls ${overflow}px sideways: ${offenders.join(" | ")}`);
          // On a desktop every table shows all its columns; on a phone wide tables scroll inside their card.
          if (vp.width >= 1440)
            for (const t of await cutTables(page)) problems.push(`${at}: table cut at the right: ${t}`);
          for (const link of await navOffScreen(page)) problems.push(`${at}: navigation entry off screen: ${link}`);
        }
        expect(problems, `${url} as ${role}`).toEqual([]);
      });
    }
  });
}

test.describe("sortable tables", () => {
  test.use({ storageState: ADMIN_STATE });

  test("every sortable column header says how the list is sorted", async ({ page }) => {
    for (const path of ["/admin", "/admin/subscriptions", "/admin/charges"]) {
      await page.goto(path);
      const sortable = page.locator("th:has(a[href*='sort='])");
      const count = await sortable.count();
      expect(count, `${path} has sortable headers`).toBeGreaterThan(0);
      const values = await sortable.evaluateAll((ths) => ths.map((th) => th.getAttribute("aria-sort")));
      for (const v of values) expect(["ascending", "descending", "none"], path).toContain(v);
      expect(
        values.filter((v) => v === "ascending" || v === "descending"),
        `${path}: exactly one column is the sorted one`,
      ).toHaveLength(1);
    }
    // Sorting by another column moves aria-sort to it.
    await page.goto("/admin/charges");
    const amount = page.locator("th", { has: page.getByRole("link", { name: /Amount/ }) });
    await amount.getByRole("link").click();
    await expect(amount).toHaveAttribute("aria-sort", /ascending|descending/);
  });
});
