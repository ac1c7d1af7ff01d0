// A change made with the session cookie must come from the app's own pages (Origin of APP_URL, or
// the browser's Sec-Fetch-Site: same-origin): SameSite=Lax alone let other origins' requests ride
// the cookie. API keys are not sent by browsers on their own and are not checked.
import { describe, expect, it } from "vitest";
import * as grants from "@/app/api/v1/credits/grants/route";
import * as balance from "@/app/api/v1/credits/route";
import { appUrl } from "@/lib/env";
import { call, makeOrg, makeUser, platformKey, sessionCookie, uid } from "./support/fixtures";

type Problem = { error: { code: string; message: string; details?: { reason: string } } };

describe("cookie-authenticated changes and their origin", () => {
  it("refuses a cookie POST from another origin or without one (403 naming why), and takes the app's own", async () => {
    const org = await makeOrg();
    const cookie = await sessionCookie((await makeUser("admin", null)).id);
    const post = (headers: Record<string, string>) =>
      call<Problem>(grants.POST, "POST", "/api/v1/credits/grants", {
        cookie,
        headers,
        body: { customer_id: org.id, amount: 1, source: "promotional", reason: "origin test", idempotency_key: uid() },
      });

    const foreign = await post({ origin: "https://evil.example" });
    expect(foreign.status).toBe(403);
    expect(foreign.json.error.message).toMatch(/Cross-origin request refused: Origin https:\/\/evil\.example/);
    expect(foreign.json.error.details?.reason).toBe("cross_origin");
    const crossSite = await post({ origin: "https://evil.example", "sec-fetch-site": "cross-site" });
    expect(crossSite.status).toBe(403);
    const none = await post({ "sec-fetch-site": "none" });
    expect(none.status).toBe(403);
    expect(none.json.error.message).toMatch(/needs an Origin header/);

    expect((await post({ origin: new URL(appUrl()).origin })).status).toBe(201);
    expect((await post({ "sec-fetch-site": "same-origin" })).status).toBe(201);
  });

  it("asks nothing of API keys or of reads", async () => {
    const org = await makeOrg();
    const key = await platformKey();
    const byKey = await call(grants.POST, "POST", "/api/v1/credits/grants", {
      key,
      headers: { origin: "https://elsewhere.example" },
      body: { customer_id: org.id, amount: 1, source: "promotional", reason: "key", idempotency_key: uid() },
    });
    expect(byKey.status).toBe(201);
    const owner = await makeUser("owner", org.id);
    const read = await call(balance.GET, "GET", "/api/v1/credits", {
      cookie: await sessionCookie(owner.id),
      headers: { origin: "https://elsewhere.example" },
    });
    expect(read.status).toBe(200);
  });
});
