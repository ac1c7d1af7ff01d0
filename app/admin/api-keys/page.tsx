import type { Metadata } from "next";
import { ApiKeysPanel } from "@/components/api-keys/api-keys-panel";
import { PageHeader } from "@/components/ui/page-header";
import { listApiKeys } from "@/lib/auth/api-keys";
import { requireAdmin } from "@/lib/auth/session";
import { serializeKeys } from "@/lib/auth/serialize-keys";
import { createPlatformKey, revokePlatformKey, setPlatformKeyRateLimit } from "./actions";

export const metadata: Metadata = { title: "Platform keys" };

export default async function PlatformKeysPage() {
  await requireAdmin();
  const keys = await listApiKeys(null);
  return (
    <>
      <PageHeader
        title="Platform API keys"
        description="A platform key acts for any customer named in the request (customer_id or external_customer_id) and can call the admin endpoints."
      />
      <ApiKeysPanel
        keys={serializeKeys(keys)}
        canManage
        scopeLabel="platform"
        createAction={createPlatformKey}
        revokeAction={revokePlatformKey}
        rateLimitAction={setPlatformKeyRateLimit}
      />
    </>
  );
}
