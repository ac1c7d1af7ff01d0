// A loading.tsx is a Suspense boundary around every page below it: Next sends the 200 and the
// skeleton first, so a notFound() below it can no longer make the answer a 404. So no skeleton may
// sit above a dynamic ([param]) page, and the list pages keep theirs (each in its own folder or a
// route group beside the dynamic pages). admin/customers/[id]/layout.tsx checks the customer above
// the credits and usage skeletons.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const APP = path.resolve(import.meta.dirname, "..", "..", "app");

function files(dir: string, name: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p, name) : e.name === name ? [p] : [];
  });
}

const rel = (p: string) => path.relative(APP, p);
const isDynamic = (segment: string) => segment.startsWith("[");

/** The loading.tsx files a page renders under, nearest first. */
function skeletonsOf(page: string): string[] {
  const out: string[] = [];
  for (let dir = path.dirname(page); dir.startsWith(APP); dir = path.dirname(dir)) {
    const loading = path.join(dir, "loading.tsx");
    if (fs.existsSync(loading)) out.push(loading);
  }
  return out;
}

describe("loading boundaries", () => {
  it("never wrap a page whose path has a dynamic segment below the boundary", () => {
    const wrapped = files(APP, "page.tsx").flatMap((page) =>
      skeletonsOf(page).flatMap((loading) => {
        const below = path.relative(path.dirname(loading), path.dirname(page)).split(path.sep).filter(Boolean);
        return below.some(isDynamic) ? [`${rel(page)} under ${rel(loading)}`] : [];
      }),
    );
    expect(wrapped).toEqual([]);
  });

  it("keep a skeleton on the list and demo pages", () => {
    const pages = [
      "(app)/(home)/page.tsx",
      "(app)/agents/(list)/page.tsx",
      "(app)/billing/(summary)/page.tsx",
      "(app)/api-keys/page.tsx",
      "(app)/usage/page.tsx",
      "(app)/credits/page.tsx",
      "admin/(overview)/page.tsx",
      "admin/plans/(list)/page.tsx",
      "admin/webhooks/(list)/page.tsx",
      "admin/webhook-endpoints/(list)/page.tsx",
      "(app)/webhook-endpoints/(list)/page.tsx",
      "admin/catalog/page.tsx",
      "admin/monitoring/page.tsx",
      "admin/revenue/page.tsx",
      "admin/customers/[id]/credits/page.tsx",
      "admin/customers/[id]/usage/page.tsx",
    ];
    expect(
      pages.filter((p) => !fs.existsSync(path.join(APP, p)) || skeletonsOf(path.join(APP, p)).length === 0),
    ).toEqual([]);
  });

  it("check an unknown customer above the skeletons of the pages under it", () => {
    const layout = fs.readFileSync(path.join(APP, "admin/customers/[id]/layout.tsx"), "utf8");
    expect(layout).toMatch(/notFound\(\)/);
  });
});
