import type { NavItem } from "./nav-links";

/** The customer's pages. Each entry exists only once its page does. */
export const CUSTOMER_NAV: NavItem[] = [
  { href: "/", label: "Overview" },
  { href: "/usage", label: "Usage" },
  { href: "/api-keys", label: "API keys" },
  { href: "/docs", label: "API docs" },
];

export const ADMIN_NAV: NavItem[] = [
  { href: "/admin", label: "Overview" },
  { href: "/admin/usage", label: "Usage ingestion" },
  { href: "/admin/api-keys", label: "Platform keys" },
  { href: "/docs", label: "API docs" },
];
