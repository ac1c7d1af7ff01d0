"use server";
import { revalidatePath } from "next/cache";
import { formAction } from "@/lib/http/action";
import { ZSellerSettings } from "@/lib/invoices/party-schemas";
import { updateSellerSettings } from "@/lib/invoices/seller-settings";

export const saveSellerSettingsAction = formAction(
  ZSellerSettings,
  async (input) => {
    const saved = await updateSellerSettings(input);
    revalidatePath("/admin/settings");
    return saved;
  },
  { auth: "admin", message: () => "Saved. Invoices issued from now on use these details." },
);
