import type { Metadata } from "next";
import { QuickForm } from "@/components/catalog/quick-form";
import { ActionButton } from "@/components/ui/action-button";
import { Badge } from "@/components/ui/badge";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { requireAdmin } from "@/lib/auth/session";
import { listCoupons, listPromotionCodes } from "@/lib/coupons/coupons";
import { couponTermsLabel } from "@/lib/coupons/describe";
import { SUPPORTED_CURRENCIES } from "@/lib/money";
import { formatDate, formatInteger } from "@/lib/format";
import { createCouponAction, createPromotionCodeAction, setPromotionCodeActiveAction } from "./actions";

export const metadata: Metadata = { title: "Coupons" };

const limit = (used: number, max: number | null) =>
  max === null ? `${formatInteger(used)} redeemed` : `${formatInteger(used)} of ${formatInteger(max)} redeemed`;

export default async function CouponsPage() {
  await requireAdmin();
  const [coupons, codes] = await Promise.all([listCoupons(), listPromotionCodes()]);
  return (
    <>
      <PageHeader
        title="Coupons"
        description="A coupon takes a percent or an amount off the plan fee (or the whole invoice) for one period, some months, or forever. Customers redeem it with a promotion code at checkout or when they change plan; you can also apply one from a customer's page."
      />
      <div className="space-y-6">
        <Card id="coupons">
          <CardHeader
            title="Coupons"
            description="Terms are fixed once created; create another coupon to change them."
          />
          {coupons.length === 0 ? (
            <EmptyState title="No coupons yet">Create one below, e.g. 20 % off for 3 months.</EmptyState>
          ) : (
            <Table>
              <thead>
                <tr>
                  <Th>Coupon</Th>
                  <Th>Terms</Th>
                  <Th>Plans</Th>
                  <Th>Redemptions</Th>
                  <Th>Redeem by</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100">
                {coupons.map((c) => (
                  <tr key={c.id}>
                    <Td>
                      <span className="font-medium text-zinc-900">{c.name}</span>
                      <div className="font-mono text-xs text-zinc-500">{c.code}</div>
                    </Td>
                    <Td>{couponTermsLabel(c)}</Td>
                    <Td className="font-mono text-xs">{c.planCodes.join(", ") || "all"}</Td>
                    <Td>{limit(c.timesRedeemed, c.maxRedemptions)}</Td>
                    <Td>{c.redeemBy ? formatDate(c.redeemBy) : "—"}</Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
          <QuickForm
            action={createCouponAction}
            submitLabel="Create coupon"
            fields={[
              { name: "code", label: "Code", placeholder: "LAUNCH20", required: true },
              { name: "name", label: "Name", placeholder: "Launch, 20 % off", required: true },
              {
                name: "percent_off",
                label: "Percent off",
                placeholder: "20",
                inputMode: "decimal",
                hint: "Or an amount off.",
              },
              { name: "amount_off", label: "Amount off", placeholder: "10.00", inputMode: "decimal" },
              {
                name: "currency",
                label: "Currency",
                defaultValue: "usd",
                options: SUPPORTED_CURRENCIES.map((c) => ({ value: c, label: c.toUpperCase() })),
                hint: "Of the amount off.",
              },
              {
                name: "duration",
                label: "Duration",
                defaultValue: "once",
                options: [
                  { value: "once", label: "one period" },
                  { value: "repeating", label: "some months" },
                  { value: "forever", label: "forever" },
                ],
              },
              {
                name: "duration_in_months",
                label: "Months",
                placeholder: "3",
                inputMode: "numeric",
                hint: "For some months.",
              },
              {
                name: "applies_to",
                label: "Applies to",
                defaultValue: "plan",
                options: [
                  { value: "plan", label: "the plan fee" },
                  { value: "all", label: "the fee and usage" },
                ],
              },
              {
                name: "plan_codes",
                label: "Only plans",
                placeholder: "pro_monthly, pro_yearly",
                hint: "Comma-separated; empty: all.",
              },
              { name: "max_redemptions", label: "Redemption limit", placeholder: "100", inputMode: "numeric" },
              { name: "redeem_by", label: "Redeem by", type: "date" },
            ]}
          />
        </Card>

        <Card id="promotion-codes">
          <CardHeader
            title="Promotion codes"
            description="What customers type. A code has its own limit and expiry on top of its coupon's."
          />
          {codes.length === 0 ? (
            <EmptyState title="No promotion codes yet">
              {coupons.length === 0 ? "Create a coupon first, then a code for it." : "Create one below for a coupon."}
            </EmptyState>
          ) : (
            <Table>
              <thead>
                <tr>
                  <Th>Code</Th>
                  <Th>Coupon</Th>
                  <Th>Redemptions</Th>
                  <Th>Expires</Th>
                  <Th>Status</Th>
                  <Th>
                    <span className="sr-only">Actions</span>
                  </Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100">
                {codes.map(({ promo, coupon }) => (
                  <tr key={promo.id}>
                    <Td className="font-mono">{promo.code}</Td>
                    <Td>
                      {coupon.name}
                      <div className="text-xs text-zinc-500">{couponTermsLabel(coupon)}</div>
                    </Td>
                    <Td>
                      {limit(promo.timesRedeemed, promo.maxRedemptions)}
                      {promo.firstTimeTransaction && <div className="text-xs text-zinc-500">first-time customers</div>}
                    </Td>
                    <Td>{promo.expiresAt ? formatDate(promo.expiresAt) : "—"}</Td>
                    <Td>
                      <Badge tone={promo.active ? "green" : "gray"}>{promo.active ? "Active" : "Inactive"}</Badge>
                    </Td>
                    <Td className="text-right">
                      <ActionButton
                        action={setPromotionCodeActiveAction}
                        fields={{ promotion_code_id: promo.id, active: promo.active ? "false" : "true" }}
                        label={promo.active ? "Deactivate" : "Activate"}
                        ariaLabel={`${promo.active ? "Deactivate" : "Activate"} promotion code ${promo.code}`}
                        size="sm"
                        confirm={
                          promo.active
                            ? {
                                title: `Deactivate ${promo.code}?`,
                                body: "Customers can no longer redeem it; discounts it already gave stay. You can activate it again.",
                                confirmLabel: "Deactivate",
                                keepLabel: "Keep it active",
                              }
                            : undefined
                        }
                      />
                    </Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
          {coupons.length > 0 && (
            <QuickForm
              action={createPromotionCodeAction}
              submitLabel="Create promotion code"
              fields={[
                {
                  name: "coupon_id",
                  label: "Coupon",
                  defaultValue: coupons[0]!.id,
                  options: coupons.map((c) => ({ value: c.id, label: `${c.code} — ${couponTermsLabel(c)}` })),
                },
                { name: "code", label: "Code", placeholder: "SPRING", required: true },
                { name: "max_redemptions", label: "Redemption limit", placeholder: "50", inputMode: "numeric" },
                { name: "expires_at", label: "Expires", type: "date" },
                {
                  name: "first_time_transaction",
                  label: "Who",
                  defaultValue: "false",
                  options: [
                    { value: "false", label: "any customer" },
                    { value: "true", label: "first-time customers only" },
                  ],
                },
              ]}
            />
          )}
        </Card>
      </div>
    </>
  );
}
