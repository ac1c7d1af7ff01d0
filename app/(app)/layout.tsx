import { AppShell } from "@/components/shell/app-shell";
import { CUSTOMER_NAV } from "@/components/shell/nav";
import { requireCustomer } from "@/lib/auth/session";
import { getOrganization } from "@/lib/orgs/organizations";
import { signOutAction } from "../(auth)/actions";

export default async function CustomerLayout({ children }: { children: React.ReactNode }) {
  const user = await requireCustomer();
  const org = await getOrganization(user.orgId);
  return (
    <AppShell nav={CUSTOMER_NAV} home="/" context={org.name} user={user} signOut={signOutAction}>
      {children}
    </AppShell>
  );
}
