import { AppShell } from "@/components/shell/app-shell";
import { ADMIN_NAV } from "@/components/shell/nav";
import { requireAdmin } from "@/lib/auth/session";
import { signOutAction } from "../(auth)/actions";

export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const user = await requireAdmin();
  return (
    <AppShell nav={ADMIN_NAV} home="/admin" context="Platform admin" user={user} signOut={signOutAction}>
      {children}
    </AppShell>
  );
}
