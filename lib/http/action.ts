// The one client for server actions: parse the form with zod, authorize (the `auth` option, as
// route()'s for API routes), run the step, and turn failures into a state the form can show beside
// each field. Redirects and Next's own control flow (sign-in redirects, 403s) pass through untouched.
import "server-only";
import { headers } from "next/headers";
import { unstable_rethrow } from "next/navigation";
import type { z } from "zod";
import {
  requireAdmin,
  requireCustomer,
  requireOwner,
  requireUser,
  type CustomerUser,
  type SessionUser,
} from "@/lib/auth/session";
import { log } from "@/lib/log";
import { AppError, type FieldIssue } from "./errors";
import { TOO_DEEP_MESSAGE, tooDeepPath } from "./json-depth";
import { badTextPath, mayHoldBadText } from "./nul";

import type { ActionState } from "./action-state";

export type { ActionState } from "./action-state";

/** Who may run an action: any signed-in user, a customer's member, its owner, or the platform admin. */
export type ActionAuth = "user" | "customer" | "owner" | "admin";

export type UserFor<A> = A extends "owner"
  ? CustomerUser & { role: "owner" }
  : A extends "customer"
    ? CustomerUser
    : A extends "admin"
      ? SessionUser & { role: "admin" }
      : A extends "user"
        ? SessionUser
        : undefined;

const GUARDS: Record<ActionAuth, () => Promise<SessionUser>> = {
  user: requireUser,
  customer: requireCustomer,
  owner: requireOwner,
  admin: requireAdmin,
};

/** After the input is read, before the step: the guard redirects to sign-in or answers 403 (Next's control flow). */
const authorized = async <A extends ActionAuth | undefined>(auth: A): Promise<UserFor<A>> =>
  (auth ? await GUARDS[auth]() : undefined) as UserFor<A>;

function fieldErrors(issues: FieldIssue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues) out[i.field] ??= i.message;
  return out;
}

export function formAction<S extends z.ZodType, T, A extends ActionAuth | undefined = undefined>(
  schema: S,
  step: (input: z.output<S>, user: UserFor<A>) => Promise<T>,
  opts: { message?: (data: T) => string; auth?: A } = {},
): (prev: ActionState<T>, form: FormData) => Promise<ActionState<T>> {
  return async (_prev, form) => {
    const raw: Record<string, unknown> = {};
    for (const [k, v] of form.entries()) if (!k.startsWith("$ACTION")) raw[k] = typeof v === "string" ? v : v;
    // Typed values go back to the form so a failed submit never empties it (passwords excepted).
    const values: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw)) if (typeof v === "string" && !/password|secret/i.test(k)) values[k] = v;
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ field: i.path.map(String).join("."), message: i.message }));
      return { ok: false, error: "Check the highlighted fields.", fieldErrors: fieldErrors(issues), values };
    }
    try {
      const data = await step(parsed.data, await authorized(opts.auth as A));
      return { ok: true, data, message: opts.message?.(data) };
    } catch (e) {
      unstable_rethrow(e);
      if (e instanceof AppError) {
        const details = Array.isArray(e.details) ? fieldErrors(e.details as FieldIssue[]) : undefined;
        return { ok: false, error: e.message, fieldErrors: details, values };
      }
      const requestId = (await headers()).get("x-request-id");
      log.error({ err: e, request_id: requestId }, "server action failed");
      return {
        ok: false,
        error: `Something went wrong on our side. Try again in a moment${requestId ? ` (reference ${requestId.slice(0, 8)})` : ""}.`,
        values,
      };
    }
  };
}

/**
 * For forms whose state is richer than flat fields (a plan with its charges): the client sends the
 * whole value as JSON in a `payload` field; validation and errors work as in formAction, with
 * field errors keyed by path ("charges.0.tiers.1.up_to").
 */
export function jsonAction<S extends z.ZodType, T, A extends ActionAuth | undefined = undefined>(
  schema: S,
  step: (input: z.output<S>, user: UserFor<A>) => Promise<T>,
  opts: { auth?: A } = {},
): (prev: ActionState<T>, form: FormData) => Promise<ActionState<T>> {
  return async (_prev, form) => {
    let raw: unknown;
    const text = String(form.get("payload") ?? "{}");
    try {
      raw = JSON.parse(text);
    } catch {
      return { ok: false, error: "The form could not be read; reload the page and try again." };
    }
    // As route() does for API bodies: bounded depth before zod walks it, and text Postgres can store.
    const deep = tooDeepPath(raw);
    const bad = deep ? { field: deep, message: TOO_DEEP_MESSAGE } : mayHoldBadText(text) ? badTextPath(raw) : null;
    if (bad) return { ok: false, error: "Check the highlighted fields.", fieldErrors: fieldErrors([bad]) };
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const issues = parsed.error.issues.flatMap((i) =>
        i.code === "unrecognized_keys"
          ? i.keys.map((k) => ({ field: [...i.path.map(String), k].join("."), message: "is not a field here" }))
          : [{ field: i.path.map(String).join("."), message: i.message }],
      );
      return { ok: false, error: "Check the highlighted fields.", fieldErrors: fieldErrors(issues) };
    }
    try {
      return { ok: true, data: await step(parsed.data, await authorized(opts.auth as A)) };
    } catch (e) {
      unstable_rethrow(e);
      if (e instanceof AppError)
        return {
          ok: false,
          error: e.message,
          fieldErrors: Array.isArray(e.details) ? fieldErrors(e.details as FieldIssue[]) : undefined,
        };
      const requestId = (await headers()).get("x-request-id");
      log.error({ err: e, request_id: requestId }, "server action failed");
      return {
        ok: false,
        error: `Something went wrong on our side. Try again in a moment${requestId ? ` (reference ${requestId.slice(0, 8)})` : ""}.`,
      };
    }
  };
}
