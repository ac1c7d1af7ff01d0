// An unknown customer answers 404 for every page under it. The check sits here, above the credits
// and usage pages' loading boundaries: a notFound() inside a boundary comes after the 200 was sent.
import { notFound } from "next/navigation";
import { requireAdmin } from "@/lib/auth/session";
import { findOrganization } from "@/lib/orgs/organizations";

export default async function AdminCustomerLayout({
  params,
  children,
}: {
  params: Promise<{ id: string }>;
  children: React.ReactNode;
}) {
  await requireAdmin();
  const { id } = await params;
  if (!(await findOrganization({ id }))) notFound();
  return children;
}
