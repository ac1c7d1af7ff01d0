"use server";
import { AuthError, CredentialsSignin } from "next-auth";
import { headers } from "next/headers";
import { redirect, unstable_rethrow } from "next/navigation";
import { z } from "zod";
import { signIn, signOut } from "@/lib/auth/config";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password";
import { requestPasswordReset, resetPassword } from "@/lib/auth/password-reset";
import { signUp } from "@/lib/auth/sign-up";
import { checkSignInAllowed, clientIp } from "@/lib/auth/throttle";
import { formAction, type ActionState } from "@/lib/http/action";
import { AppError } from "@/lib/http/errors";
import { acceptAsExistingUser, acceptAsNewUser } from "@/lib/orgs/invitations";

const GENERIC = "Invalid email or password.";
const lockedOut = (seconds: number) =>
  `Too many failed sign-ins. Try again in ${Math.ceil(seconds / 60)} minute${seconds > 60 ? "s" : ""}.`;

/** Only same-site paths: never redirect a person to another origin after sign-in. */
function safeCallback(raw: unknown): string {
  const s = typeof raw === "string" ? raw : "";
  return s.startsWith("/") && !s.startsWith("//") ? s : "/";
}

async function credentialsSignIn(email: string, password: string, redirectTo: string): Promise<ActionState> {
  const values = { email };
  const verdict = await checkSignInAllowed(email, clientIp(await headers()));
  if (!verdict.allowed) return { ok: false, error: lockedOut(verdict.retryAfterSeconds), values };
  try {
    await signIn("credentials", { email, password, redirectTo });
  } catch (e) {
    if (e instanceof CredentialsSignin && e.code === "rate_limited") {
      const again = await checkSignInAllowed(email, clientIp(await headers()));
      return { ok: false, error: lockedOut(again.allowed ? 60 : again.retryAfterSeconds), values };
    }
    if (e instanceof AuthError) return { ok: false, error: GENERIC, values };
    throw e; // the redirect after a successful sign-in
  }
  return null;
}

export async function signInAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const email = String(form.get("email") ?? "").trim();
  const password = String(form.get("password") ?? "");
  if (!email || !password) return { ok: false, error: "Enter your email and password.", values: { email } };
  return credentialsSignIn(email, password, safeCallback(form.get("callbackUrl")));
}

const ZSignUp = z.object({
  organizationName: z.string().trim().min(1, "Name your organization.").max(200),
  name: z.string().trim().min(1, "Tell us your name.").max(200),
  email: z.email("Enter a valid email address."),
  password: z.string().min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters.`).max(200),
});

/** The address of the client calling a server action; null outside a request (a script, a test). */
async function actionClientIp(): Promise<string | null> {
  let h: Awaited<ReturnType<typeof headers>>;
  try {
    h = await headers();
  } catch (e) {
    unstable_rethrow(e);
    return null;
  }
  return clientIp(h);
}

const createAccount = formAction(ZSignUp, async (input) => {
  await signUp(input, await actionClientIp());
  return null;
});

/**
 * Valid input always ends on the sign-in page with one neutral notice: signing the new owner in
 * here would tell a new email (signed in) from a taken one (not), whose owner we cannot reach.
 */
export async function signUpAction(prev: ActionState, form: FormData): Promise<ActionState> {
  const result = await createAccount(prev as ActionState<null>, form);
  if (!result?.ok) return result as ActionState;
  // A plan chosen on the pricing page: after signing in, the billing page starts it.
  const plan = String(form.get("plan") ?? "");
  const next = /^[a-z0-9][a-z0-9_.-]{0,99}$/.test(plan)
    ? `&callbackUrl=${encodeURIComponent(`/billing?plan=${plan}`)}`
    : "";
  redirect(`/sign-in?notice=account-ready${next}`);
}

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/sign-in" });
}

export async function oauthSignInAction(form: FormData): Promise<void> {
  const provider = String(form.get("provider") ?? "");
  if (provider !== "github" && provider !== "google") return;
  await signIn(provider, { redirectTo: safeCallback(form.get("callbackUrl")) });
}

const ZForgot = z.object({ email: z.email("Enter a valid email address.") });

/** The same answer for every email: it never tells whether an account exists. */
const forgotPassword = formAction(ZForgot, async ({ email }) => {
  const verdict = await requestPasswordReset(email, clientIp(await headers()));
  if (!verdict.allowed)
    throw new AppError(
      "rate_limited",
      `Too many reset requests. Try again in ${Math.ceil(verdict.retryAfterSeconds / 60)} minutes.`,
    );
  return email;
});

export async function forgotPasswordAction(prev: ActionState, form: FormData): Promise<ActionState> {
  const result = await forgotPassword(prev as ActionState<string>, form);
  if (!result?.ok) return result as ActionState;
  return {
    ok: true,
    data: undefined,
    message: `If an account uses ${result.data}, we have sent it a link to choose a new password. It works once, within an hour.`,
  };
}

const ZReset = z
  .object({
    token: z.string().min(1, "The link is incomplete."),
    password: z.string().min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters.`).max(200),
    confirm: z.string(),
  })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], message: "The two passwords differ." });

const setNewPassword = formAction(ZReset, async ({ token, password }) => {
  if (!(await resetPassword(token, password)))
    throw new AppError("bad_request", "This link has expired or was already used. Ask for a new one.");
  return null;
});

export async function resetPasswordAction(prev: ActionState, form: FormData): Promise<ActionState> {
  const result = await setNewPassword(prev as ActionState<null>, form);
  if (!result?.ok) return result as ActionState;
  redirect("/sign-in?notice=password-reset");
}

const ZAcceptNew = z
  .object({
    token: z.string().min(1, "The link is incomplete."),
    name: z.string().trim().min(1, "Tell us your name.").max(200),
    password: z.string().min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters.`).max(200),
  })
  .strip();

const createInvitedAccount = formAction(ZAcceptNew, async ({ token, name, password }) => {
  const u = await acceptAsNewUser(token, { name, password });
  return { email: u.email, password };
});

/** A new person creates their account through the invitation, then is signed in and lands in the organization. */
export async function acceptInvitationAsNewUserAction(prev: ActionState, form: FormData): Promise<ActionState> {
  const result = await createInvitedAccount(prev as ActionState<{ email: string; password: string }>, form);
  if (!result?.ok) return result as ActionState;
  return (await credentialsSignIn(result.data.email, result.data.password, "/")) ?? null;
}

const joinAsSignedIn = formAction(
  z.object({ token: z.string().min(1, "The link is incomplete.") }),
  async ({ token }, user) => {
    await acceptAsExistingUser(token, user);
    return null;
  },
  { auth: "user" },
);

/** A signed-in person with the invited email joins the organization. */
export async function acceptInvitationAction(prev: ActionState, form: FormData): Promise<ActionState> {
  const result = await joinAsSignedIn(prev as ActionState<null>, form);
  if (!result?.ok) return result as ActionState;
  redirect("/");
}
