"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createCreditEvent, createCreditProduct, updateCreditEvent } from "@/lib/catalog/credit-events";
import { createFeature, updateFeature } from "@/lib/catalog/features";
import { createMeter } from "@/lib/catalog/meters";
import { createModelPrice } from "@/lib/catalog/model-prices";
import {
  ZCreditEventCreate,
  ZCreditProductCreate,
  ZFeatureCreate,
  ZFeaturePatch,
  ZMeterCreate,
  ZModelPriceCreate,
} from "@/lib/catalog/schemas";
import { formAction } from "@/lib/http/action";

const list = (s: unknown) =>
  typeof s === "string"
    ? s
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean)
    : [];
const int = (s: unknown) => (typeof s === "string" && s.trim() !== "" ? Number(s) : undefined);
const done = () => revalidatePath("/admin/catalog");

export const createMeterAction = formAction(
  z.preprocess((f) => {
    const r = f as Record<string, string>;
    return {
      code: r.code,
      name: r.name,
      event_name: r.event_name,
      aggregation: r.aggregation,
      property: r.property || undefined,
      group_by: list(r.group_by),
      unit: r.unit || undefined,
      allow_negative: r.allow_negative === "true",
    };
  }, ZMeterCreate),
  async (input) => {
    const m = await createMeter(input);
    done();
    return { code: m.code };
  },
  { auth: "admin", message: (m) => `Meter ${m.code} created.` },
);

export const createCreditEventAction = formAction(
  z.preprocess((f) => {
    const r = f as Record<string, string>;
    return {
      code: r.code,
      name: r.name,
      credits: int(r.credits),
      category: r.category || undefined,
      description: r.description || undefined,
    };
  }, ZCreditEventCreate),
  async (input) => {
    const e = await createCreditEvent(input);
    done();
    return { code: e.code };
  },
  { auth: "admin", message: (e) => `Credit event ${e.code} created.` },
);

export const toggleCreditEventAction = formAction(
  z.object({ code: z.string().min(1), active: z.enum(["true", "false"]) }),
  async ({ code, active }) => {
    await updateCreditEvent(code, { active: active === "true" });
    done();
    return { code };
  },
  { auth: "admin" },
);

export const createCreditProductAction = formAction(
  z.preprocess((f) => {
    const r = f as Record<string, string>;
    return { code: r.code, name: r.name, credits: int(r.credits), price: r.price, currency: r.currency || undefined };
  }, ZCreditProductCreate),
  async (input) => {
    const p = await createCreditProduct(input);
    done();
    return { code: p.code };
  },
  { auth: "admin", message: (p) => `Credit pack ${p.code} created.` },
);

export const createModelPriceAction = formAction(
  z.preprocess((f) => {
    const r = f as Record<string, string>;
    return {
      provider: r.provider,
      model: r.model,
      input_price_per_token: r.input_price_per_token,
      output_price_per_token: r.output_price_per_token,
      effective_from: r.effective_from ? new Date(r.effective_from).toISOString() : undefined,
    };
  }, ZModelPriceCreate),
  async (input) => {
    const m = await createModelPrice(input);
    done();
    return { model: m.model };
  },
  { auth: "admin", message: (m) => `Price for ${m.model} recorded.` },
);

export const createFeatureAction = formAction(
  z.preprocess((f) => {
    const r = f as Record<string, string>;
    return { key: r.key, kind: r.kind, name: r.name, unit: r.unit || undefined, sort_order: int(r.sort_order) };
  }, ZFeatureCreate),
  async (input) => {
    const f = await createFeature(input);
    done();
    return { key: f.key };
  },
  { auth: "admin", message: (f) => `Feature ${f.key} created.` },
);

export const renameFeatureAction = formAction(
  z.preprocess(
    (f) => {
      const r = f as Record<string, string>;
      return { key: r.key, patch: { name: r.name } };
    },
    z.object({ key: z.string().trim().min(1, "choose a feature"), patch: ZFeaturePatch }),
  ),
  async ({ key, patch }) => {
    const f = await updateFeature(key, patch);
    done();
    return { key: f.key, name: f.name };
  },
  { auth: "admin", message: (f) => `Feature ${f.key} is now called ${f.name}.` },
);

export const archiveFeatureAction = formAction(
  z.object({ key: z.string().min(1), archived: z.enum(["true", "false"]) }),
  async ({ key, archived }) => {
    await updateFeature(key, { archived: archived === "true" });
    done();
    return { key };
  },
  { auth: "admin" },
);
