"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { formAction } from "@/lib/http/action";
import { createTaxRate, updateTaxRate } from "@/lib/tax/rates";
import { ZTaxRateForm } from "@/lib/tax/schemas";
import { formatPercentage } from "@/lib/tax/compute";

const jurisdiction = (r: { country: string; region: string | null }) =>
  r.region ? `${r.country}-${r.region}` : r.country;

export const createTaxRateAction = formAction(
  ZTaxRateForm,
  async (input) => {
    const r = await createTaxRate(input);
    revalidatePath("/admin/settings");
    return r;
  },
  {
    auth: "admin",
    message: (r) => `${r.name} ${formatPercentage(r.percentage)} added for ${jurisdiction(r)}.`,
  },
);

/** Archives a rate (invoices from now on no longer charge it; issued ones keep it) or brings it back. */
export const setTaxRateActiveAction = formAction(
  z.object({ tax_rate_id: z.string().min(1), active: z.enum(["true", "false"]) }),
  async (input) => {
    const r = await updateTaxRate(input.tax_rate_id, { active: input.active === "true" });
    revalidatePath("/admin/settings");
    return r;
  },
  { auth: "admin", message: (r) => `${r.name} for ${jurisdiction(r)} ${r.active ? "restored" : "archived"}.` },
);
