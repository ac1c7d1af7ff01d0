import type { Metadata } from "next";
import { SellerSettingsForm } from "@/components/settings/seller-settings-form";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { getSellerSettings } from "@/lib/invoices/seller-settings";
import { saveSellerSettingsAction } from "./actions";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const seller = await getSellerSettings();
  return (
    <>
      <PageHeader title="Settings" description="Installation-wide settings." />
      <Card>
        <CardHeader
          title="Invoicing"
          description="The seller every invoice names. Invoices already issued keep the details they were issued with."
        />
        <CardBody>
          <SellerSettingsForm action={saveSellerSettingsAction} current={seller} />
        </CardBody>
      </Card>
    </>
  );
}
