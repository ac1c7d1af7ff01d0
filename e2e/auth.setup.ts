import { test as setup } from "@playwright/test";
import { ADMIN, ADMIN_STATE, MEMBER, MEMBER_STATE, OWNER, OWNER_STATE, signIn } from "./support";

// Signed-in state is made once and reused by the journeys.
setup("sign in the demo owner", async ({ page }) => {
  await signIn(page, OWNER);
  await page.context().storageState({ path: OWNER_STATE });
});

setup("sign in the demo admin", async ({ page }) => {
  await signIn(page, ADMIN);
  await page.context().storageState({ path: ADMIN_STATE });
});

setup("sign in the demo member", async ({ page }) => {
  await signIn(page, MEMBER);
  await page.context().storageState({ path: MEMBER_STATE });
});
