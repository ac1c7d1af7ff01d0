"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createAddon, updateAddon } from "@/lib/addons/catalog";
import { ZAddonCreate } from "@/lib/addons/schemas";
import { db } from "@/lib/db/client";
import { formAction } from "@/lib/http/action";
import type { ActionState } from "@/lib/http/action-state";
import { parseGrantList } from "./grant-list";

const int = (s: unknown) => (typeof s === "string" && s.trim() !== "" ? Number(s) : undefined);
const list = (s: unknown) =>
  String(s ?? "")
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);
const done = () => revalidatePath("/admin/addons");

/** A nested field's error (input.features.1.value) shown at the form's field (features). */
function atFormFields<T>(action: (prev: ActionState<T>, form: FormData) => Promise<ActionState<T>>) {
  return async (prev: ActionState<T>, form: FormData): Promise<ActionState<T>> => {
    const state = await action(prev, form);
    if (!state || state.ok || !state.fieldErrors) return state;
    const fieldErrors: Record<string, string> = {};
    for (const [k, v] of Object.entries(state.fieldErrors)) {
      const [head, index, ...rest] = k.replace(/^input\./, "").split(".");
      const at = index !== undefined ? `item ${Number(index) + 1}${rest.length ? ` (${rest.join(".")})` : ""}: ` : "";
      fieldErrors[head!] ??= `${at}${v}`;
    }
    return { ...state, fieldErrors };
  };
}

/**
 * Creates an add-on; with `replaces`, the one it replaces is archived in the same transaction (terms
 * are fixed once created, so a new price or new features is a new add-on; holders keep the old one).
 */
export const createAddonAction = atFormFields(
  formAction(
    z.preprocess(
      (f) => {
        const r = f as Record<string, string>;
        return {
          input: {
            code: r.code,
            name: r.name,
            description: r.description ?? "",
            kind: r.kind,
            interval: r.kind === "recurring" ? r.interval || "month" : undefined,
            currency: r.currency || undefined,
            price: r.price,
            features: parseGrantList(r.features, "feature"),
            limits: parseGrantList(r.limits, "meter").map((l) => ({ meter: l.meter, limit: l.value })),
            credits: int(r.credits) ?? 0,
            max_quantity: int(r.max_quantity) ?? 1,
            plan_codes: list(r.plan_codes),
          },
          replaces: r.replaces || undefined,
        };
      },
      z.object({ input: ZAddonCreate, replaces: z.string().optional() }),
    ),
    async ({ input, replaces }) => {
      const created = await db.transaction(async (tx) => {
        const a = await createAddon(input, tx);
        if (replaces) await updateAddon(replaces, { archived: true }, tx);
        return a;
      });
      done();
      return { code: created.code, replaced: Boolean(replaces) };
    },
    {
      auth: "admin",
      message: (a) =>
        a.replaced ? `Add-on ${a.code} created; the one it replaces is archived.` : `Add-on ${a.code} created.`,
    },
  ),
);

export const renameAddonAction = formAction(
  z.object({
    addon_id: z.string().min(1),
    name: z.string().trim().min(1, "must not be empty").max(200),
    description: z.string().trim().max(2000).default(""),
  }),
  async (input) => {
    const a = await updateAddon(input.addon_id, { name: input.name, description: input.description });
    done();
    return { code: a.code };
  },
  { auth: "admin", message: (a) => `Add-on ${a.code} saved.` },
);

export const setAddonArchivedAction = formAction(
  z.object({ addon_id: z.string().min(1), archived: z.enum(["true", "false"]) }),
  async (input) => {
    const a = await updateAddon(input.addon_id, { archived: input.archived === "true" });
    done();
    return { code: a.code, archived: a.archivedAt !== null };
  },
  { auth: "admin", message: (a) => `Add-on ${a.code} ${a.archived ? "archived" : "on sale again"}.` },
);
