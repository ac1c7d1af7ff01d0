import type { Metadata } from "next";
import Link from "next/link";
import { ApiKeysPanel } from "@/components/api-keys/api-keys-panel";
import { PageHeader } from "@/components/ui/page-header";
import { listApiKeys } from "@/lib/auth/api-keys";
import { requireCustomer } from "@/lib/auth/session";
import { serializeKeys } from "@/lib/auth/serialize-keys";
import { createCustomerKey, revokeCustomerKey, setCustomerKeyRateLimit } from "./actions";

export const metadata: Metadata = { title: "API keys" };

export default async function ApiKeysPage() {
  const user = await requireCustomer();
  const keys = await listApiKeys(user.orgId);
  return (
    <>
      <PageHeader
        title="API keys"
        description={
          <>
            Send them as <code className="font-mono text-xs">Authorization: Bearer …</code> or{" "}
            <code className="font-mono text-xs">x-api-key</code>. See the{" "}
            <Link href="/docs" className="text-brand-600 underline hover:text-brand-700">
              API docs
            </Link>
            .
          </>
        }
      />
      <ApiKeysPanel
        keys={serializeKeys(keys)}
        canManage={user.role === "owner"}
        scopeLabel="customer"
        createAction={createCustomerKey}
        revokeAction={revokeCustomerKey}
        rateLimitAction={setCustomerKeyRateLimit}
      />
    </>
  );
}
