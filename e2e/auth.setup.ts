import { test as setup } from "@playwright/test";
import { serverURL, workers } from "../playwright.config";
import { ADMIN, MEMBER, OWNER, signIn, stateFile } from "./support";

// Signed-in state is made once per server (one per worker, each with a database of its own, so a session
// of one is unknown to the others) and reused by the journeys. The sign-ins run side by side: the first
// ones on a fresh server wait on its cold pages.
setup.describe.configure({ mode: "parallel" });

const USERS = [
  ["owner", OWNER],
  ["admin", ADMIN],
  ["member", MEMBER],
] as const;

for (const [who, email] of USERS)
  setup(`sign in the demo ${who}`, async ({ browser }) => {
    await Promise.all(
      Array.from({ length: workers }, async (_, slot) => {
        const context = await browser.newContext({ baseURL: serverURL(slot) });
        await signIn(await context.newPage(), email);
        await context.storageState({ path: stateFile(who, slot) });
        await context.close();
      }),
    );
  });
