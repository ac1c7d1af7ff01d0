// Email templates: plain functions that return a subject, an HTML part (table layout, inline styles:
// what mail clients render) and a plain-text part. Every value put into the HTML is escaped.
import { formatCredits, formatDate, formatMoney } from "@/lib/format";

export type RenderedEmail = { subject: string; html: string; text: string };

const esc = (s: unknown) =>
  String(s ?? "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");

type Block = {
  heading: string;
  paragraphs: string[];
  facts?: [string, string][];
  action?: { label: string; url: string };
};

/** The shared layout: a 560 px card on a grey page, the heading, paragraphs, a facts table and one button. */
export function layout(b: Block, footer: string): { html: string; text: string } {
  const facts = b.facts?.length
    ? `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="margin:16px 0;border-collapse:collapse">${b.facts
        .map(
          ([k, v]) =>
            `<tr><td style="padding:6px 0;border-bottom:1px solid #e4e4e7;color:#71717a;font-size:14px">${esc(k)}</td><td align="right" style="padding:6px 0;border-bottom:1px solid #e4e4e7;color:#18181b;font-size:14px;font-weight:600">${esc(v)}</td></tr>`,
        )
        .join("")}</table>`
    : "";
  const button = b.action
    ? `<table role="presentation" cellpadding="0" cellspacing="0" style="margin:24px 0"><tr><td style="border-radius:6px;background:#4f46e5"><a href="${esc(b.action.url)}" style="display:inline-block;padding:12px 20px;color:#ffffff;font-size:15px;font-weight:600;text-decoration:none">${esc(b.action.label)}</a></td></tr></table><p style="margin:0 0 12px;color:#71717a;font-size:12px;line-height:18px">Or open this link: <a href="${esc(b.action.url)}" style="color:#4f46e5;word-break:break-all">${esc(b.action.url)}</a></p>`
    : "";
  const html = `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(b.heading)}</title></head>
<body style="margin:0;padding:0;background:#f4f4f5;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f4f5"><tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;background:#ffffff;border:1px solid #e4e4e7;border-radius:8px">
<tr><td style="padding:20px 24px;border-bottom:1px solid #e4e4e7;font-size:16px;font-weight:700;color:#4f46e5">Tally</td></tr>
<tr><td style="padding:24px">
<h1 style="margin:0 0 12px;font-size:20px;line-height:28px;color:#18181b">${esc(b.heading)}</h1>
${b.paragraphs.map((p) => `<p style="margin:0 0 12px;font-size:15px;line-height:22px;color:#3f3f46">${esc(p)}</p>`).join("")}
${facts}${button}
</td></tr>
<tr><td style="padding:16px 24px;border-top:1px solid #e4e4e7;font-size:12px;line-height:18px;color:#a1a1aa">${esc(footer)}</td></tr>
</table></td></tr></table></body></html>`;
  const text = [
    b.heading,
    "",
    ...b.paragraphs.flatMap((p) => [p, ""]),
    ...(b.facts ?? []).map(([k, v]) => `${k}: ${v}`),
    ...(b.facts?.length ? [""] : []),
    ...(b.action ? [`${b.action.label}: ${b.action.url}`, ""] : []),
    "--",
    footer,
  ].join("\n");
  return { html, text };
}

const NOTIFICATION_FOOTER =
  "You receive this because of your role in your organization on Tally. Turn this kind of email off in your account's notification settings.";
const ACCOUNT_FOOTER = "You receive this because someone asked for it on Tally. If it wasn't you, ignore this email.";

function render(subject: string, b: Block, footer = NOTIFICATION_FOOTER): RenderedEmail {
  return { subject, ...layout(b, footer) };
}

type Data = Record<string, unknown>;
const num = (v: unknown) => (typeof v === "number" ? v : Number(v ?? 0));
const str = (v: unknown) => (v === null || v === undefined ? "" : String(v));
const money = (d: Data, key: string) => formatMoney(num(d[key]), str(d.currency || "usd"));

export type NotificationContext = { orgName: string; appUrl: string };

/** One renderer per outbound event type that people are told about. */
export const NOTIFICATION_TEMPLATES: Record<string, (d: Data, c: NotificationContext) => RenderedEmail> = {
  "usage.alert": (d, c) => {
    const full = num(d.threshold) >= 100;
    return render(
      full ? `Usage limit reached for ${c.orgName}` : `${c.orgName} has used ${num(d.threshold)} % of a limit`,
      {
        heading: full ? "You have reached a usage limit" : `You have used ${num(d.threshold)} % of a usage limit`,
        paragraphs: [str(d.message) || "Usage has crossed a threshold of your plan."],
        facts: [
          ["Organization", c.orgName],
          ["Threshold", `${num(d.threshold)} %`],
        ],
        action: { label: "See usage", url: `${c.appUrl}/usage` },
      },
    );
  },
  "credits.low": (d, c) =>
    render(`Credits are running low for ${c.orgName}`, {
      heading: "Your credit balance is low",
      paragraphs: [
        str(d.message) || "Your credit balance is below its alert threshold.",
        "Buy credits or turn on auto top-up to keep going.",
      ],
      facts: [["Organization", c.orgName]],
      action: { label: "Buy credits", url: `${c.appUrl}/credits` },
    }),
  "credits.depleted": (d, c) =>
    render(`Credits are used up for ${c.orgName}`, {
      heading: "Your credits are used up",
      paragraphs: [
        str(d.message) || "Your credit balance has reached zero.",
        "Usage that needs credits is refused until you add more.",
      ],
      facts: [["Organization", c.orgName]],
      action: { label: "Buy credits", url: `${c.appUrl}/credits` },
    }),
  "credits.granted": (d, c) =>
    render(`${formatCredits(num(d.amount))} added to ${c.orgName}`, {
      heading: `${formatCredits(num(d.amount))} added`,
      paragraphs: [str(d.reason) || "Credits were added to your balance."],
      facts: [
        ["Balance now", formatCredits(num(d.balance_after))],
        ...(d.expires_at ? ([["Expires", formatDate(str(d.expires_at))]] as [string, string][]) : []),
      ],
      action: { label: "See credits", url: `${c.appUrl}/credits` },
    }),
  "invoice.issued": (d, c) =>
    render(`Invoice ${str(d.number) || str(d.id)} from Tally: ${money(d, "amount_due_cents")} due`, {
      heading: `Invoice ${str(d.number) || str(d.id)}`,
      paragraphs: [`A new invoice was issued to ${c.orgName}.`],
      facts: [
        ["Total", money(d, "total_cents")],
        ["Amount due", money(d, "amount_due_cents")],
        ...(d.period_start && d.period_end
          ? ([["Period", `${formatDate(str(d.period_start))} – ${formatDate(str(d.period_end))}`]] as [
              string,
              string,
            ][])
          : []),
      ],
      action: { label: "View invoice", url: `${c.appUrl}/billing/invoices/${encodeURIComponent(str(d.id))}` },
    }),
  "invoice.paid": (d, c) =>
    render(`Payment received: invoice ${str(d.number) || str(d.id)}`, {
      heading: "Thank you — your invoice is paid",
      paragraphs: [`We received ${money(d, "amount_paid_cents")} from ${c.orgName}.`],
      facts: [
        ["Invoice", str(d.number) || str(d.id)],
        ["Paid", money(d, "amount_paid_cents")],
      ],
      action: { label: "View invoice", url: `${c.appUrl}/billing/invoices/${encodeURIComponent(str(d.id))}` },
    }),
  "invoice.payment_failed": (d, c) =>
    render(`Payment failed for invoice ${str(d.number) || str(d.id)}`, {
      heading: "A payment did not go through",
      paragraphs: [
        `The payment of ${money(d, "amount_due_cents")} for ${c.orgName} failed${d.failure_message ? `: ${str(d.failure_message)}` : "."}`,
        "Update your payment method so the invoice can be paid.",
      ],
      facts: [["Invoice", str(d.number) || str(d.id)]],
      action: { label: "Update payment method", url: `${c.appUrl}/billing` },
    }),
  "subscription.created": (d, c) =>
    render(`Your ${c.orgName} subscription has started`, {
      heading: d.status === "trialing" ? "Your trial has started" : "Your subscription has started",
      paragraphs: [`${c.orgName} is subscribed to ${str(d.plan_id)}.`],
      facts: [
        ["Plan", str(d.plan_id)],
        ...(d.trial_end ? ([["Trial ends", formatDate(str(d.trial_end))]] as [string, string][]) : []),
        ...(d.current_period_end ? ([["Renews", formatDate(str(d.current_period_end))]] as [string, string][]) : []),
      ],
      action: { label: "See billing", url: `${c.appUrl}/billing` },
    }),
  "subscription.updated": (d, c) =>
    render(`Your ${c.orgName} subscription changed`, {
      heading: "Your subscription changed",
      paragraphs: [describeSubscriptionAction(str(d.action), d)],
      facts: [
        ["Plan", str(d.plan_id)],
        ["Status", str(d.status)],
      ],
      action: { label: "See billing", url: `${c.appUrl}/billing` },
    }),
  "subscription.trial_ending": (d, c) =>
    render(`Your ${c.orgName} trial ends on ${formatDate(str(d.trial_end))}`, {
      heading: "Your trial ends soon",
      paragraphs: [
        `The ${str(d.plan_id)} trial of ${c.orgName} ends on ${formatDate(str(d.trial_end))}.`,
        "Check the plan and your payment method before then, so nothing is interrupted.",
      ],
      facts: [
        ["Plan", str(d.plan_id)],
        ["Trial ends", formatDate(str(d.trial_end))],
      ],
      action: { label: "See billing", url: `${c.appUrl}/billing` },
    }),
  "subscription.canceled": (d, c) =>
    render(`Your ${c.orgName} subscription is canceled`, {
      heading: "Your subscription is canceled",
      paragraphs: [
        `The ${str(d.plan_id)} subscription of ${c.orgName} has ended. You can subscribe again at any time.`,
      ],
      action: { label: "See plans", url: `${c.appUrl}/billing` },
    }),
  "auto_top_up.succeeded": (d, c) =>
    render(`Auto top-up: ${formatCredits(num(d.credits))} added to ${c.orgName}`, {
      heading: "Auto top-up done",
      paragraphs: [
        `Your balance fell below ${formatCredits(num(d.threshold_credits))}, so credits were bought for you.`,
      ],
      facts: [
        ["Credits", formatCredits(num(d.credits))],
        ["Charged", money(d, "amount_cents")],
      ],
      action: { label: "See credits", url: `${c.appUrl}/credits` },
    }),
  "auto_top_up.failed": (d, c) =>
    render(`Auto top-up failed for ${c.orgName}`, {
      heading: "Auto top-up failed",
      paragraphs: [
        `We could not buy ${formatCredits(num(d.credits))} for ${money(d, "amount_cents")}${d.message ? `: ${str(d.message)}` : "."}`,
        d.status === "requires_action"
          ? "Your bank asks you to confirm the payment."
          : "Check your payment method, or buy credits yourself.",
      ],
      action: { label: "See credits", url: `${c.appUrl}/credits` },
    }),
};

function describeSubscriptionAction(action: string, d: Data): string {
  switch (action) {
    case "plan_changed":
      return `Your plan changed from ${str(d.previous_plan_id) || "your previous plan"} to ${str(d.plan_id)}.`;
    case "plan_change_scheduled":
      return "A plan change is scheduled for the end of the current period.";
    case "cancel_scheduled":
      return `Your subscription will end on ${formatDate(str(d.current_period_end))}.`;
    case "cancel_unscheduled":
      return "Your subscription will renew: the scheduled cancellation was withdrawn.";
    case "past_due":
      return "A payment is overdue. Paid features stay on for a grace period; update your payment method.";
    case "recovered":
      return "Your overdue payment went through: the subscription is in good standing again.";
    case "renewed":
      return `Your subscription renewed until ${formatDate(str(d.current_period_end))}.`;
    default:
      return `Your subscription is now ${str(d.status)}.`;
  }
}

export function invitationEmail(i: {
  orgName: string;
  inviterName: string;
  role: string;
  url: string;
  expiresAt: Date;
}) {
  return render(
    `${i.inviterName} invited you to ${i.orgName} on Tally`,
    {
      heading: `Join ${i.orgName} on Tally`,
      paragraphs: [
        `${i.inviterName} invited you to join ${i.orgName} as ${i.role === "owner" ? "an owner" : "a member"}.`,
        `The link works once and expires on ${formatDate(i.expiresAt)}.`,
      ],
      action: { label: "Accept the invitation", url: i.url },
    },
    "You receive this because someone invited this address on Tally. If you don't know them, ignore this email.",
  );
}

export function passwordResetEmail(r: { name: string; url: string }) {
  return render(
    "Reset your Tally password",
    {
      heading: "Reset your password",
      paragraphs: [
        `Hello ${r.name}, someone asked to reset the password of this Tally account.`,
        "The link works once, within one hour. Your password stays as it is until you choose a new one.",
      ],
      action: { label: "Choose a new password", url: r.url },
    },
    ACCOUNT_FOOTER,
  );
}

/** To the people who own an endpoint (the organization's owners, or the operators for an installation endpoint). */
export function webhookEndpointDisabledEmail(e: { endpointUrl: string; failingSince: Date; pageUrl: string }) {
  return render(
    "A webhook endpoint was disabled after 5 days of failures",
    {
      heading: "Webhook endpoint disabled",
      paragraphs: [
        `Tally stopped sending events to ${e.endpointUrl}: every delivery to it has failed for 5 days.`,
        "Events are kept meanwhile. Fix the endpoint, enable it again, and replay the deliveries it missed.",
      ],
      facts: [
        ["Endpoint", e.endpointUrl],
        ["Failing since", formatDate(e.failingSince)],
      ],
      action: { label: "Open the endpoint", url: e.pageUrl },
    },
    "You receive this because you own this webhook endpoint on Tally.",
  );
}
