// What must happen when an organization is created, in the same transaction. The payments issue
// adds the outbox job that creates the payment provider's customer here.
import "server-only";
import type { Executor } from "@/lib/db/client";
import type { Organization } from "@/lib/db/schema";

export async function afterOrganizationCreated(_org: Organization, _x: Executor): Promise<void> {}
