import type { NavItem } from "./nav-links";

/** The customer's pages. Each entry exists only once its page does. */
export const CUSTOMER_NAV: NavItem[] = [
  { href: "/", label: "Overview" },
  { href: "/usage", label: "Usage" },
  { href: "/credits", label: "Credits" },
  { href: "/billing", label: "Billing" },
  { href: "/agents", label: "Agents" },
  { href: "/api-keys", label: "API keys" },
  { href: "/webhook-endpoints", label: "Webhooks" },
  { href: "/team", label: "Team" },
  { href: "/account", label: "Account" },
  { href: "/docs", label: "API docs" },
];

export const ADMIN_NAV: NavItem[] = [
  { href: "/admin", label: "Overview" },
  { href: "/admin/revenue", label: "Revenue" },
  { href: "/admin/subscriptions", label: "Subscriptions" },
  { href: "/admin/charges", label: "Charges" },
  { href: "/admin/plans", label: "Plans" },
  { href: "/admin/catalog", label: "Catalog" },
  { href: "/admin/coupons", label: "Coupons" },
  { href: "/admin/addons", label: "Add-ons" },
  { href: "/admin/credits", label: "Credits" },
  { href: "/admin/usage", label: "Usage ingestion" },
  { href: "/admin/monitoring", label: "Monitoring" },
  { href: "/admin/webhooks", label: "Webhook log" },
  { href: "/admin/webhook-endpoints", label: "Outbound webhooks" },
  { href: "/admin/mail", label: "Mail" },
  { href: "/admin/api-keys", label: "Platform keys" },
  { href: "/admin/imports", label: "Imports" },
  { href: "/admin/settings", label: "Settings" },
  { href: "/docs", label: "API docs" },
];
