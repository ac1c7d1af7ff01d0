"use client";
// The preview of adopting a Stripe account (lib/payments/adopt-stripe.ts, dry run) as a table, with
// a target per row — the match found, a Tally customer chosen, a new one, or skip — and one Adopt button.
import { useActionState } from "react";
import { Badge, StatusBadge, type BadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";
import { LocalTime } from "@/components/ui/local-time";
import { Table, Td, Th } from "@/components/ui/table";
import type { FormActionFn } from "@/lib/http/action-state";
import type { AdoptCustomerJson, AdoptStatus, MatchedBy } from "@/lib/payments/adopt-stripe-schemas";

const STATUS: Record<AdoptStatus, { label: string; tone: BadgeTone }> = {
  ready: { label: "Ready", tone: "blue" },
  adopted: { label: "Adopted", tone: "green" },
  unchanged: { label: "Linked", tone: "green" },
  unmatched: { label: "Unmatched", tone: "gray" },
  conflict: { label: "Conflict", tone: "red" },
  blocked: { label: "Blocked", tone: "amber" },
};

/** What needs the operator first: rows to adopt, then those waiting on something, then those done. */
const ORDER: AdoptStatus[] = ["ready", "unmatched", "blocked", "conflict", "adopted", "unchanged"];

const MATCHED_BY: Record<MatchedBy, string> = {
  already_linked: "already linked",
  "metadata.tally_org_id": "metadata tally_org_id",
  "metadata.tally_customer_id": "metadata tally_customer_id",
  "metadata.tally_external_id": "metadata tally_external_id",
  email: "billing email",
  owner_email: "owner's email",
  operator: "your choice",
  create: "new customer",
};

type Target = { id: string; name: string; email: string | null };

function TargetSelect({ c, targets }: { c: AdoptCustomerJson; targets: Target[] }) {
  if (c.status === "unchanged") return <span className="text-xs text-zinc-500">Nothing new</span>;
  if (c.status === "conflict" || c.status === "blocked") return <span className="text-xs text-zinc-500">—</span>;
  return (
    <select
      name={`adopt.${c.stripe_customer_id}`}
      aria-label={`Adopt ${c.name ?? c.email ?? c.stripe_customer_id} as`}
      defaultValue={c.status === "ready" ? "auto" : ""}
      className={`${inputClass} w-44`}
    >
      <option value="">Skip</option>
      {c.status === "ready" && <option value="auto">{c.customer_name} (matched)</option>}
      <option value="create">Create a new Tally customer</option>
      {targets.length > 0 && (
        <optgroup label="Tally customers">
          {targets
            .filter((t) => t.id !== c.customer_id)
            .map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
                {t.email ? ` — ${t.email}` : ""}
              </option>
            ))}
        </optgroup>
      )}
    </select>
  );
}

export function StripeAdoption<T>({
  customers,
  targets,
  action,
}: {
  customers: AdoptCustomerJson[];
  targets: Target[];
  action: FormActionFn<T>;
}) {
  const [state, submit, pending] = useActionState(action, null);
  const adoptable = customers.filter((c) => c.status === "ready" || c.status === "unmatched").length;
  return (
    <form action={submit}>
      <Table label="Stripe customers to adopt">
        <thead>
          <tr>
            <Th>Stripe customer</Th>
            <Th>Tally customer</Th>
            <Th>Subscription → plan</Th>
            <Th align="right">Invoices</Th>
            <Th>Status</Th>
            <Th>Adopt as</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {[...customers]
            .sort((a, b) => ORDER.indexOf(a.status) - ORDER.indexOf(b.status))
            .map((c) => (
              <tr key={c.stripe_customer_id} className="align-top">
                <Td>
                  <div className="font-medium text-zinc-900">{c.name ?? "—"}</div>
                  <div className="text-xs text-zinc-600">{c.email ?? "no email"}</div>
                  <div className="font-mono text-xs text-zinc-500">{c.stripe_customer_id}</div>
                </Td>
                <Td wrap>
                  {c.customer_name ? (
                    <>
                      <div className="text-zinc-900">{c.customer_name}</div>
                      {c.matched_by && <div className="text-xs text-zinc-500">by {MATCHED_BY[c.matched_by]}</div>}
                    </>
                  ) : (
                    <span className="text-zinc-500">No match</span>
                  )}
                  {c.conflicts.map((x) => (
                    <p key={x} className="mt-1 max-w-56 text-xs text-red-700">
                      {x}
                    </p>
                  ))}
                  {/* A blocked row's reason is under its subscription; a conflict's are listed above. */}
                  {c.note && c.status === "unmatched" && (
                    <p className="mt-1 max-w-56 text-xs text-zinc-500">{c.note}</p>
                  )}
                </Td>
                <Td wrap>
                  {c.subscriptions.length === 0 && <span className="text-zinc-500">None</span>}
                  {c.subscriptions.map((s) => (
                    <div key={s.stripe_subscription_id} className="mb-1">
                      <StatusBadge status={s.status} />{" "}
                      <span className={s.plan_name ? "text-zinc-900" : "text-amber-800"}>
                        → {s.plan_name ?? s.price_ids.join(", ")}
                      </span>
                      {s.ended_at ? (
                        <div className="text-xs text-zinc-500">
                          {s.started_at && (
                            <>
                              <LocalTime value={s.started_at} mode="date" /> –{" "}
                            </>
                          )}
                          ended <LocalTime value={s.ended_at} mode="date" />
                        </div>
                      ) : (
                        s.current_period_end && (
                          <div className="text-xs text-zinc-500">
                            {s.trial_end ? "trial ends " : s.cancel_at_period_end ? "ends " : "renews "}
                            <LocalTime value={s.trial_end ?? s.current_period_end} mode="date" />
                          </div>
                        )
                      )}
                      {s.reason && <div className="max-w-56 text-xs text-zinc-500">{s.reason}</div>}
                    </div>
                  ))}
                </Td>
                <Td align="right">
                  <div className="tabular-nums">{c.invoices.count}</div>
                  {c.invoices.already_mirrored > 0 && (
                    <div className="text-xs text-zinc-500">{c.invoices.already_mirrored} mirrored</div>
                  )}
                </Td>
                <Td>
                  <Badge tone={STATUS[c.status].tone}>{STATUS[c.status].label}</Badge>
                </Td>
                <Td>
                  <TargetSelect c={c} targets={targets} />
                </Td>
              </tr>
            ))}
        </tbody>
      </Table>
      <div className="flex items-center justify-end gap-3 border-t border-zinc-100 px-5 py-4">
        {state && (
          <p role="status" className={state.ok ? "text-sm text-emerald-700" : "text-sm text-red-600"}>
            {state.ok ? state.message : state.error}
          </p>
        )}
        <Button type="submit" disabled={pending || adoptable === 0}>
          {pending ? "Adopting…" : "Adopt"}
        </Button>
      </div>
    </form>
  );
}
