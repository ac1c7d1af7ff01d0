// A Stripe-shaped HTTP server for tests, on loopback. The real `stripe` SDK talks to it through
// STRIPE_API_HOST/PORT/PROTOCOL. It keeps objects in memory, honours Idempotency-Key on POSTs,
// expands what the tests need, records every request, and can be told to fail the next N calls, to
// fail every call (an outage), to stop listening altogether (connections refused), or to take
// requests and never answer them (hang).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import Decimal from "decimal.js";

export type Obj = Record<string, unknown> & { id: string; object: string };
export type RecordedRequest = {
  method: string;
  path: string;
  body: Record<string, unknown>;
  query: Record<string, unknown>;
  idempotencyKey: string | null;
};

/** Parses Stripe's form encoding (`a[b][0][c]=1`, `expand[]=x`) into nested objects and arrays. */
export function parseForm(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const m = /^([^[\]]+)((?:\[[^\]]*\])*)$/.exec(rawKey);
    const parts = m ? [m[1]!, ...[...m[2]!.matchAll(/\[([^\]]*)\]/g)].map((x) => x[1]!)] : [rawKey];
    let node: Record<string, unknown> | unknown[] = out;
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      const nextIsIndex = !last && /^\d*$/.test(parts[i + 1]!);
      const key: string | number = Array.isArray(node) ? (part === "" ? node.length : Number(part)) : part;
      if (last) {
        (node as Record<string | number, unknown>)[key] = value;
      } else {
        const container = node as Record<string | number, unknown>;
        container[key] ??= nextIsIndex ? [] : {};
        node = container[key] as Record<string, unknown> | unknown[];
      }
    });
  }
  return out;
}

let counter = 0;
export const stripeId = (prefix: string) =>
  `${prefix}_test${(++counter).toString(36).padStart(6, "0")}${Math.random().toString(36).slice(2, 8)}`;

type Handler = (req: { params: string[]; body: Record<string, unknown>; query: Record<string, unknown> }) => {
  status?: number;
  body: unknown;
};

export class StripeServer {
  readonly objects = new Map<string, Obj>();
  readonly requests: RecordedRequest[] = [];
  private readonly idempotent = new Map<string, { status: number; body: unknown; params: string }>();
  /** Checkout Sessions' line items: Stripe returns them only when asked (`expand[]=line_items`). */
  private readonly lineItems = new Map<string, Obj[]>();
  private failures: { match: RegExp; status: number; remaining: number; body?: unknown }[] = [];
  private routes: { method: string; pattern: RegExp; handler: Handler }[] = [];
  /** Tax ids by customer, in the order they were created. */
  private readonly taxIds = new Map<string, Obj[]>();
  taxIdsOf(customerId: string): Obj[] {
    return this.taxIds.get(customerId) ?? [];
  }
  /** An outage: every request answers `status`; with `afterEffect` the object is made first (the answer is what is lost). */
  private outage: { status: number; afterEffect: boolean; except?: RegExp } | null = null;
  /** Requests whose "METHOD /path" matches are read and answered late, or never (until stop() cuts them). */
  private hanging: { match: RegExp; answerAfterMs: number | null } | null = null;
  private readonly sockets = new Set<Socket>();
  private server?: Server;
  port = 0;

  constructor() {
    this.installDefaults();
  }

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on("connection", (s: Socket) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server!.listen(port, "127.0.0.1", resolve));
    this.port = (this.server!.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Kept-alive connections would hold close() open, and keep answering: cut them.
      for (const s of this.sockets) s.destroy();
      this.sockets.clear();
    });
  }

  /**
   * Every request answers `status` until cleared with null; `afterEffect`: the work is done, the
   * answer lost; `except`: "METHOD /path" that still answers normally.
   */
  failAll(status: number | null, opts: { afterEffect?: boolean; except?: RegExp } = {}) {
    this.outage = status === null ? null : { status, afterEffect: opts.afterEffect ?? false, except: opts.except };
  }

  /**
   * Requests matching `match` ("METHOD /path"; null: none) are accepted and never answered — a
   * Stripe that hangs — or, with `answerAfterMs`, answered that late.
   */
  hang(match: RegExp | null, answerAfterMs: number | null = null) {
    this.hanging = match && { match, answerAfterMs };
  }

  /** Stops listening and cuts open connections: the port refuses connections until comeBack(). */
  goDark(): Promise<void> {
    return this.stop();
  }

  /** Listens again on the same port (the app's client keeps its host and port). */
  async comeBack(): Promise<void> {
    if (!this.server) await this.start(this.port);
  }

  /** How many objects of a kind exist, grouped by a metadata key: any group above 1 is a duplicate. */
  duplicatesBy(object: string, metadataKey: string): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const o of this.list(object)) {
      const k = (o.metadata as Record<string, string> | undefined)?.[metadataKey];
      if (k) counts[k] = (counts[k] ?? 0) + 1;
    }
    return Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 1));
  }

  /** The distinct Idempotency-Keys POSTed to a path. */
  idempotencyKeysSeen(path: string): Set<string> {
    return new Set(
      this.requests
        .filter((r) => r.method === "POST" && r.path === path && r.idempotencyKey)
        .map((r) => r.idempotencyKey!),
    );
  }

  /** The environment that points the app's Stripe client here. */
  env(): Record<string, string> {
    return {
      STRIPE_SECRET_KEY: "sk_test_tally",
      STRIPE_API_HOST: "127.0.0.1",
      STRIPE_API_PORT: String(this.port),
      STRIPE_API_PROTOCOL: "http",
    };
  }

  /** The next `times` requests whose "METHOD /path" matches answer `status` (e.g. 500, 429). */
  failNext(match: RegExp, status: number, times = 1, body?: unknown) {
    this.failures.push({ match, status, remaining: times, body });
  }

  route(method: string, pattern: RegExp, handler: Handler) {
    this.routes.unshift({ method, pattern, handler });
  }

  put<T extends Obj>(o: T): T {
    this.objects.set(o.id, o);
    return o;
  }

  list(object: string, filter: (o: Obj) => boolean = () => true): Obj[] {
    return [...this.objects.values()].filter((o) => o.object === object && filter(o));
  }

  createProduct(fields: Partial<Obj> & { name: string }): Obj {
    return this.put({
      id: stripeId("prod"),
      object: "product",
      active: true,
      description: null,
      metadata: {},
      created: now(),
      ...fields,
    });
  }

  createPrice(
    fields: Partial<Obj> & {
      product: string;
      unit_amount: number;
      currency?: string;
      recurring?: { interval: string; trial_period_days?: number | null } | null;
    },
  ): Obj {
    return this.put({
      id: stripeId("price"),
      object: "price",
      active: true,
      currency: "usd",
      lookup_key: null,
      metadata: {},
      nickname: null,
      type: fields.recurring ? "recurring" : "one_time",
      created: now(),
      ...fields,
    });
  }

  /** A customer as Stripe keeps it (what an account being adopted already has). */
  createCustomer(
    fields: Partial<Obj> & { email?: string | null; name?: string | null; metadata?: Record<string, string> },
  ): Obj {
    return this.put({
      id: stripeId("cus"),
      object: "customer",
      email: null,
      name: null,
      created: now(),
      livemode: false,
      invoice_settings: { default_payment_method: null },
      ...fields,
      metadata: fields.metadata ?? {},
    });
  }

  /** A subscription shaped like Stripe's (the period lives on the item, as in current API versions). */
  createSubscription(fields: {
    customer: string;
    price: string;
    status?: string;
    trialEnd?: number | null;
    periodStart?: number;
    periodEnd?: number;
    /** When it began (`start_date`; its first period's start by default). */
    startDate?: number;
    metadata?: Record<string, string>;
  }): Obj {
    const start = fields.periodStart ?? now();
    const end = fields.periodEnd ?? start + 30 * 86400;
    const price = this.objects.get(fields.price)!;
    return this.put({
      id: stripeId("sub"),
      object: "subscription",
      customer: fields.customer,
      status: fields.status ?? "active",
      cancel_at_period_end: false,
      canceled_at: null,
      ended_at: null,
      trial_end: fields.trialEnd ?? null,
      created: fields.startDate ?? start,
      start_date: fields.startDate ?? start,
      metadata: fields.metadata ?? {},
      items: {
        object: "list",
        data: [
          {
            id: stripeId("si"),
            object: "subscription_item",
            price,
            quantity: 1,
            current_period_start: start,
            current_period_end: end,
          },
        ],
      },
    });
  }

  updateSubscription(
    id: string,
    patch: Partial<Obj> & { price?: string; itemId?: string; periodStart?: number; periodEnd?: number },
  ): Obj {
    const sub = this.objects.get(id)!;
    // The price changes on the item named (the first, the plan's, when none is); every item follows the period.
    const data = (sub.items as { data: Record<string, unknown>[] }).data.map((i) => ({ ...i }));
    const target = patch.itemId ? data.find((i) => i.id === patch.itemId) : data[0];
    if (patch.price && target) target.price = this.objects.get(patch.price);
    for (const item of data) {
      if (patch.periodStart) item.current_period_start = patch.periodStart;
      if (patch.periodEnd) item.current_period_end = patch.periodEnd;
    }
    const { price: _p, itemId: _i, periodStart: _s, periodEnd: _e, ...rest } = patch;
    return this.put({ ...sub, ...rest, items: { object: "list", data } } as Obj);
  }

  /** The subscription's items after the plan's (add-ons as extra subscription items). */
  extraItems(subId: string): Obj[] {
    return (this.objects.get(subId)!.items as { data: Obj[] }).data.slice(1);
  }

  private setItems(subId: string, data: Obj[]) {
    const sub = this.objects.get(subId)!;
    this.put({ ...sub, items: { object: "list", data } });
  }

  /**
   * Stripe's proration of an item's change, invoiced at once (proration_behavior always_invoice) on
   * an active subscription: (new − old) × remaining ÷ period, one invoice of billing_reason
   * subscription_update with a proration line. "none" (or a trial) invoices nothing.
   */
  private prorateItem(subId: string, item: Obj, fromQuantity: number, toQuantity: number, behavior: unknown) {
    const sub = this.objects.get(subId)!;
    if (behavior !== "always_invoice" || sub.status !== "active") return null;
    const start = Number(item.current_period_start);
    const end = Number(item.current_period_end);
    const unit = Number((item.price as Obj).unit_amount);
    const amount = Math.round(((toQuantity - fromQuantity) * unit * (end - now())) / (end - start));
    const invoice = this.createInvoice({
      customer: sub.customer as string,
      subscription: subId,
      status: "draft",
      amount,
      priceId: (item.price as Obj).id as string,
      periodStart: now(),
      periodEnd: end,
      billingReason: "subscription_update",
    });
    const lines = (invoice.lines as { data: Record<string, unknown>[] }).data;
    lines[0]!.proration = true;
    lines[0]!.description = `Remaining time on ${toQuantity} × item`;
    return this.finalizeInvoice(invoice.id);
  }

  createInvoice(fields: {
    customer: string;
    subscription?: string;
    status: string;
    amount: number;
    priceId?: string;
    periodStart?: number;
    periodEnd?: number;
    billingReason?: string;
    /** TaxRates on its line (as default_tax_rates would put them): an exclusive one adds its tax, an inclusive one's is inside. */
    taxRates?: string[];
  }): Obj {
    const id = stripeId("in");
    const lineTaxes = this.taxesOn(fields.amount, fields.taxRates ?? []);
    const exclusiveTax = lineTaxes.filter((t) => t.tax_behavior === "exclusive").reduce((a, t) => a + t.amount, 0);
    const total = fields.amount + exclusiveTax;
    return this.put({
      id,
      object: "invoice",
      customer: fields.customer,
      number: fields.status === "draft" ? null : `STR-${id.slice(-6).toUpperCase()}`,
      status: fields.status,
      billing_reason: fields.billingReason ?? (fields.subscription ? "subscription_cycle" : "manual"),
      auto_advance: true,
      metadata: {},
      currency: "usd",
      subtotal: fields.amount,
      total,
      amount_paid: fields.status === "paid" ? total : 0,
      amount_due: fields.status === "paid" ? 0 : total,
      ...(lineTaxes.length && { total_taxes: lineTaxes }),
      created: now(),
      period_start: fields.periodStart ?? now(),
      period_end: fields.periodEnd ?? now(),
      status_transitions: { paid_at: fields.status === "paid" ? now() : null },
      hosted_invoice_url: `https://invoice.stripe.test/${id}`,
      invoice_pdf: `https://invoice.stripe.test/${id}.pdf`,
      parent: fields.subscription ? { subscription_details: { subscription: fields.subscription } } : null,
      lines: {
        object: "list",
        data: [
          {
            id: stripeId("il"),
            description: "Subscription",
            quantity: 1,
            amount: fields.amount,
            period: { start: fields.periodStart ?? now(), end: fields.periodEnd ?? now() },
            pricing: { price_details: { price: fields.priceId ?? null } },
            ...(lineTaxes.length && { taxes: lineTaxes }),
          },
        ],
      },
    });
  }

  /**
   * A subscription renews as Stripe does it: the item's period moves on, and a draft invoice for the
   * new period is created with the plan fee (billing_reason subscription_cycle; period_start/end
   * are the period that ended, which is where usage invoice items for it belong).
   */
  renewSubscription(subId: string): { subscription: Obj; invoice: Obj } {
    const sub = this.objects.get(subId)!;
    const item = (sub.items as { data: { price: Obj; current_period_start: number; current_period_end: number }[] })
      .data[0]!;
    const length = item.current_period_end - item.current_period_start;
    const ended = { start: item.current_period_start, end: item.current_period_end };
    const subscription = this.updateSubscription(subId, { periodStart: ended.end, periodEnd: ended.end + length });
    const invoice = this.createInvoice({
      customer: sub.customer as string,
      subscription: subId,
      status: "draft",
      amount: Number(item.price.unit_amount),
      priceId: item.price.id,
      periodStart: ended.start,
      periodEnd: ended.end,
      billingReason: "subscription_cycle",
    });
    return { subscription, invoice };
  }

  /** Stripe finalizes (and, auto_advance, charges) a draft: its items are fixed from then on. */
  finalizeInvoice(id: string, pay = true): Obj {
    const inv = this.objects.get(id)!;
    if (inv.status !== "draft") return inv;
    const total = Number(inv.total);
    const paid = pay && total >= 0;
    return this.put({
      ...inv,
      number: `STR-${id.slice(-6).toUpperCase()}`,
      status: paid ? "paid" : "open",
      amount_paid: paid ? total : 0,
      amount_due: paid ? 0 : total,
      status_transitions: { finalized_at: now(), paid_at: paid ? now() : null },
    });
  }

  /** The invoice items Tally added to an invoice (the lines that are not the plan fee). */
  invoiceItems(invoiceId?: string): Obj[] {
    return this.list("invoiceitem", (i) => invoiceId === undefined || i.invoice === invoiceId);
  }

  private addItemToInvoice(invoiceId: string, item: Obj) {
    const inv = this.objects.get(invoiceId)!;
    const lines = inv.lines as { data: Record<string, unknown>[] };
    const amount = Number(item.amount);
    this.put({
      ...inv,
      subtotal: Number(inv.subtotal) + amount,
      total: Number(inv.total) + amount,
      amount_due: Number(inv.amount_due) + amount,
      lines: {
        object: "list",
        data: [
          ...lines.data,
          {
            id: stripeId("il"),
            description: item.description,
            quantity: 1,
            amount,
            period: item.period,
            metadata: item.metadata,
            parent: { type: "invoice_item_details", invoice_item_details: { invoice_item: item.id } },
          },
        ],
      },
    });
  }

  /**
   * A Checkout Session as Stripe keeps it: line items (a catalog price, or inline price_data, as
   * Tally sends them) from which amount_total and currency follow; open and unpaid until payCheckout.
   */
  createCheckoutSession(
    fields: Record<string, unknown> & {
      line_items?: {
        price?: string;
        price_data?: { currency?: string; unit_amount?: number | string; product_data?: { name?: string } };
        quantity?: number | string;
        tax_rates?: string[];
      }[];
    },
  ): Obj {
    const id = stripeId("cs");
    const { line_items: lines = [], ...rest } = fields;
    const embedded = fields.ui_mode === "embedded_page" || fields.ui_mode === "embedded";
    // A subscription's default tax rates apply to its items, as at Stripe.
    const defaultRates = ((fields.subscription_data as { default_tax_rates?: string[] } | undefined)
      ?.default_tax_rates ?? []) as string[];
    const items = lines.map((l) => {
      const price: Obj = l.price
        ? this.objects.get(l.price)!
        : this.put({
            id: stripeId("price"),
            object: "price",
            active: false,
            currency: l.price_data?.currency ?? "usd",
            unit_amount: Number(l.price_data?.unit_amount ?? 0),
            product: l.price_data?.product_data?.name ?? null,
            type: "one_time",
            created: now(),
          });
      const quantity = Number(l.quantity ?? 1);
      const amount = Number(price.unit_amount) * quantity;
      const amountTax = this.exclusiveTax(amount, [...(l.tax_rates ?? []), ...defaultRates]);
      return {
        id: stripeId("li"),
        object: "item",
        amount_subtotal: amount,
        amount_tax: amountTax,
        amount_total: amount + amountTax,
        currency: price.currency as string,
        description: String(l.price_data?.product_data?.name ?? price.nickname ?? "Item"),
        price,
        quantity,
      };
    });
    this.lineItems.set(id, items);
    // `discounts: [{ promotion_code }]`: the session's total is the discounted one, as Stripe shows it.
    const subtotal = items.reduce((sum, i) => sum + i.amount_subtotal, 0);
    const tax = items.reduce((sum, i) => sum + i.amount_tax, 0);
    const promo = (fields.discounts as { promotion_code?: string }[] | undefined)?.[0]?.promotion_code;
    const coupon = promo ? this.couponOfPromotionCode(promo) : undefined;
    const discount = coupon ? this.couponAmountOff(coupon, subtotal) : 0;
    return this.put({
      id,
      object: "checkout.session",
      amount_subtotal: subtotal,
      total_details: { amount_discount: discount, amount_shipping: 0, amount_tax: tax },
      // Embedded Checkout has no page of its own: Stripe.js mounts it with the client secret.
      url: embedded ? null : `https://checkout.stripe.test/c/pay/${id}`,
      client_secret: embedded ? `${id}_secret_${Math.random().toString(36).slice(2, 12)}` : null,
      ui_mode: embedded ? fields.ui_mode : "hosted_page",
      return_url: null,
      status: "open",
      payment_status: "unpaid",
      payment_intent: null,
      subscription: null,
      customer: null,
      client_reference_id: null,
      metadata: {},
      amount_total: subtotal - discount + tax,
      currency: items[0]?.currency ?? "usd",
      created: now(),
      ...rest,
    });
  }

  /** Tax of the exclusive rates among `rateIds` on an amount, rounded per rate (Stripe Tax is not simulated: it adds nothing). */
  exclusiveTax(amount: number, rateIds: string[]): number {
    return rateIds
      .map((id) => this.objects.get(id))
      .filter((r) => r && !r.inclusive)
      .reduce((sum, r) => sum + Math.round((amount * Number(r!.percentage)) / 100), 0);
  }

  /**
   * A TaxRate's tax on an amount in its terms, rounded half up once: an exclusive rate's on top of
   * it, an inclusive rate's inside it (amount × p ÷ (100 + p)).
   */
  rateTax(amount: number, rate: Obj): number {
    const p = new Decimal(String(rate.percentage));
    const raw = rate.inclusive ? new Decimal(amount).mul(p).div(p.add(100)) : new Decimal(amount).mul(p).div(100);
    return raw.toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber();
  }

  /** Stripe's `taxes` of a line (API 2025+: tax_rate_details) for an amount under these TaxRates. */
  taxesOn(amount: number, rateIds: string[], taxOf?: (rate: Obj) => number) {
    return rateIds
      .map((id) => this.objects.get(id))
      .filter((r): r is Obj => r !== undefined)
      .map((r) => {
        const tax = taxOf ? taxOf(r) : this.rateTax(amount, r);
        return {
          amount: tax,
          tax_behavior: r.inclusive ? "inclusive" : "exclusive",
          tax_rate_details: { tax_rate: r.id },
          taxability_reason: "standard_rated",
          taxable_amount: r.inclusive ? amount - tax : amount,
          type: "tax_rate_details",
        };
      });
  }

  /** A promotion code's coupon (the `promotion.coupon` of current API versions). */
  couponOfPromotionCode(promoId: string): Obj | undefined {
    const promo = this.objects.get(promoId);
    const couponId = (promo?.promotion as { coupon?: string } | undefined)?.coupon;
    return couponId ? this.objects.get(couponId) : undefined;
  }

  /** What a coupon takes off an amount: a percent rounded to the minor unit, or its amount, never more than the amount. */
  couponAmountOff(coupon: Obj, amount: number): number {
    const off =
      coupon.percent_off != null ? Math.round((amount * Number(coupon.percent_off)) / 100) : Number(coupon.amount_off);
    return Math.max(0, Math.min(off, amount));
  }

  /**
   * The customer completes a subscription-mode session: Stripe makes the subscription (with the
   * session's discount, as `discounts`), and the session is complete and paid.
   */
  completeSubscriptionCheckout(sessionId: string): { session: Obj; subscription: Obj } {
    const session = this.objects.get(sessionId)!;
    const price = this.lineItems.get(sessionId)?.[0]?.price as Obj;
    const promo = (session.discounts as { promotion_code?: string }[] | undefined)?.[0]?.promotion_code;
    const subscription = this.createSubscription({
      customer: session.customer as string,
      price: price.id as string,
      metadata: (session.subscription_data as { metadata?: Record<string, string> } | undefined)?.metadata,
    });
    let sub = subscription;
    if (promo) {
      const coupon = this.couponOfPromotionCode(promo)!;
      const discount = {
        id: stripeId("di"),
        object: "discount",
        coupon,
        promotion_code: promo,
        subscription: subscription.id,
        start: now(),
        end: null,
      };
      sub = this.put({ ...subscription, discounts: [discount.id], discount });
      const p = this.objects.get(promo)!;
      this.put({ ...p, times_redeemed: Number(p.times_redeemed ?? 0) + 1 });
    }
    return {
      session: this.put({ ...session, status: "complete", payment_status: "paid", subscription: sub.id }),
      subscription: sub,
    };
  }

  /** The customer pays a payment-mode session: a succeeded PaymentIntent and its Charge, the session complete and paid. */
  payCheckout(sessionId: string): { session: Obj; paymentIntent: Obj; charge: Obj } {
    const session = this.objects.get(sessionId)!;
    const metadata = (session.payment_intent_data as { metadata?: Record<string, string> } | undefined)?.metadata ?? {};
    const paymentIntent = this.createPaymentIntent({
      customer: session.customer as string,
      amount: Number(session.amount_total),
      currency: String(session.currency),
      metadata,
    });
    const charge = this.createCharge({
      payment_intent: paymentIntent.id,
      customer: session.customer as string,
      amount: Number(session.amount_total),
      currency: String(session.currency),
    });
    return {
      session: this.put({ ...session, status: "complete", payment_status: "paid", payment_intent: paymentIntent.id }),
      paymentIntent,
      charge,
    };
  }

  /** A card, as Stripe keeps a payment method: attached to `customer` (null: detached). */
  createCardPaymentMethod(customer: string | null, card: { brand?: string; last4?: string } = {}): Obj {
    return this.put({
      id: stripeId("pm"),
      object: "payment_method",
      type: "card",
      customer,
      card: { brand: card.brand ?? "visa", last4: card.last4 ?? "4242", exp_month: 12, exp_year: 2034 },
      created: now(),
    });
  }

  /**
   * What Stripe.js's confirmSetup does once the customer's card is accepted: a card attached to the
   * SetupIntent's customer, and the SetupIntent succeeded with it.
   */
  confirmSetupIntent(
    setupIntentId: string,
    card: { brand?: string; last4?: string } = {},
  ): { setupIntent: Obj; paymentMethod: Obj } {
    const si = this.objects.get(setupIntentId)!;
    const paymentMethod = this.createCardPaymentMethod(si.customer as string, card);
    const setupIntent = this.put({ ...si, status: "succeeded", payment_method: paymentMethod.id });
    return { setupIntent, paymentMethod };
  }

  /** The object a client secret was handed out for (an embedded session's, a SetupIntent's). */
  byClientSecret(secret: string): Obj | undefined {
    return [...this.objects.values()].find((o) => o.client_secret === secret);
  }

  /** A PaymentIntent, succeeded unless told otherwise (amount_received follows the status). */
  createPaymentIntent(fields: Partial<Obj> & { amount: number; customer?: string | null }): Obj {
    const status = (fields.status as string | undefined) ?? "succeeded";
    return this.put({
      id: stripeId("pi"),
      object: "payment_intent",
      status,
      currency: "usd",
      amount_received: status === "succeeded" ? fields.amount : 0,
      customer: null,
      description: null,
      metadata: {},
      last_payment_error: null,
      latest_charge: null,
      created: now(),
      ...fields,
    });
  }

  createCharge(
    fields: Partial<Obj> & { amount: number; payment_intent?: string | null; customer?: string | null },
  ): Obj {
    return this.put({
      id: stripeId("ch"),
      object: "charge",
      status: "succeeded",
      paid: true,
      currency: "usd",
      amount_refunded: 0,
      refunded: false,
      customer: null,
      description: null,
      created: now(),
      ...fields,
    });
  }

  /** A refund of `amount` more on a charge (amount_refunded is cumulative, as at Stripe). */
  refundCharge(chargeId: string, amount: number): Obj {
    const charge = this.objects.get(chargeId)!;
    const refunded = Number(charge.amount_refunded) + amount;
    return this.put({ ...charge, amount_refunded: refunded, refunded: refunded >= Number(charge.amount) });
  }

  /** An event as Stripe sends it, around a snapshot of an object. */
  event(type: string, object: Obj | Record<string, unknown>, created = now()): Record<string, unknown> {
    return {
      id: stripeId("evt"),
      object: "event",
      api_version: "2025-09-30.clover",
      created,
      livemode: false,
      pending_webhooks: 1,
      type,
      data: { object: structuredClone(object) },
    };
  }

  private expand(o: Obj, paths: string[], prefix = ""): Obj {
    const copy: Obj = { ...o };
    for (const p of paths) {
      const path = prefix && p.startsWith(prefix) ? p.slice(prefix.length) : p;
      if (path.includes(".")) continue;
      const ref = copy[path];
      if (typeof ref === "string" && this.objects.has(ref)) copy[path] = this.objects.get(ref);
    }
    return copy;
  }

  private listResponse(url: string, items: Obj[], query: Record<string, unknown>) {
    const limit = Number(query.limit ?? 10);
    const startingAfter = query.starting_after as string | undefined;
    let start = 0;
    if (startingAfter) start = items.findIndex((i) => i.id === startingAfter) + 1;
    const page = items.slice(start, start + limit);
    const expand = (query.expand as string[] | undefined) ?? [];
    return {
      object: "list",
      url,
      has_more: start + limit < items.length,
      data: page.map((o) => this.expand(o, expand, "data.")),
    };
  }

  private installDefaults() {
    // Off-session charges, as Stripe's test payment methods answer them: pm_card_chargeDeclined is
    // declined, pm_card_authenticationRequired needs the customer (402 authentication_required),
    // (either with a suffix, to keep ids unique) any other succeeds. A failure names its PaymentIntent, as Stripe's card errors do.
    this.route("POST", /^\/v1\/payment_intents$/, ({ body }) => {
      const amount = Number(body.amount);
      const base = {
        amount,
        currency: String(body.currency ?? "usd"),
        customer: (body.customer as string | undefined) ?? null,
        payment_method: body.payment_method ?? null,
        description: (body.description as string | undefined) ?? null,
        metadata: (body.metadata as Record<string, string> | undefined) ?? {},
        off_session: body.off_session === "true",
      };
      const method = String(body.payment_method ?? "");
      const refusal = method.startsWith("pm_card_chargeDeclined")
        ? { code: "card_declined", message: "Your card was declined." }
        : method.startsWith("pm_card_authenticationRequired") && body.off_session === "true"
          ? { code: "authentication_required", message: "This payment requires authentication." }
          : null;
      if (refusal) {
        const pi = this.createPaymentIntent({
          ...base,
          status: "requires_payment_method",
          last_payment_error: { code: refusal.code, message: refusal.message },
        });
        return { status: 402, body: { error: { type: "card_error", ...refusal, payment_intent: pi } } };
      }
      return { body: this.createPaymentIntent({ ...base, status: "succeeded" }) };
    });
    const bool = (v: unknown) => (v === undefined ? undefined : v === "true" || v === true);
    const noCustomer = (id: string) => ({
      status: 404,
      body: {
        error: { type: "invalid_request_error", code: "resource_missing", message: `No such customer: '${id}'` },
      },
    });
    this.route("GET", /^\/v1\/products$/, ({ query }) => ({
      body: this.listResponse(
        "/v1/products",
        this.list("product", (p) => bool(query.active) === undefined || p.active === bool(query.active)),
        query,
      ),
    }));
    this.route("POST", /^\/v1\/products$/, ({ body }) => ({ body: this.createProduct(body as { name: string }) }));
    const noObject = (id: string) => ({
      status: 404,
      body: { error: { type: "invalid_request_error", code: "resource_missing", message: `No such object: '${id}'` } },
    });
    // As Stripe: a lookup key names one price; transfer_lookup_key moves it from the price that has it.
    const takeLookupKey = (key: unknown, transfer: unknown, exceptId: string | null) => {
      if (typeof key !== "string" || !key) return null;
      const holder = this.list("price", (p) => p.lookup_key === key && p.id !== exceptId)[0];
      if (holder && !bool(transfer))
        return {
          status: 400,
          body: {
            error: {
              type: "invalid_request_error",
              param: "lookup_key",
              message: `A price (\`${holder.id}\`) already uses that lookup key.`,
            },
          },
        };
      if (holder) this.put({ ...holder, lookup_key: null });
      return null;
    };
    this.route("POST", /^\/v1\/products\/([^/]+)$/, ({ params, body }) => {
      const p = this.objects.get(params[0]!);
      if (!p || p.object !== "product") return noObject(params[0]!);
      return {
        body: this.put({
          ...p,
          ...(body.name !== undefined && { name: String(body.name) }),
          // An empty string unsets a field, as in Stripe's form encoding.
          ...(body.description !== undefined && { description: body.description === "" ? null : body.description }),
          ...(body.active !== undefined && { active: bool(body.active) }),
          ...(body.metadata !== undefined && {
            metadata: { ...(p.metadata as Record<string, string>), ...(body.metadata as Record<string, string>) },
          }),
        }),
      };
    });
    this.route("POST", /^\/v1\/prices$/, ({ body }) => {
      const recurring = body.recurring as { interval: string } | undefined;
      const refused = takeLookupKey(body.lookup_key, body.transfer_lookup_key, null);
      if (refused) return refused;
      return {
        body: this.createPrice({
          product: String(body.product),
          unit_amount: Number(body.unit_amount),
          currency: String(body.currency ?? "usd"),
          recurring: recurring ? { interval: recurring.interval } : null,
          metadata: (body.metadata as Record<string, string> | undefined) ?? {},
          ...(body.active !== undefined && { active: bool(body.active) }),
          ...(typeof body.lookup_key === "string" && { lookup_key: body.lookup_key }),
        }),
      };
    });
    // Stripe prices are immutable but for these: active, lookup_key, nickname, metadata.
    this.route("POST", /^\/v1\/prices\/([^/]+)$/, ({ params, body }) => {
      const p = this.objects.get(params[0]!);
      if (!p || p.object !== "price") return noObject(params[0]!);
      for (const k of Object.keys(body))
        if (!["active", "lookup_key", "transfer_lookup_key", "nickname", "metadata", "expand"].includes(k))
          return {
            status: 400,
            body: { error: { type: "invalid_request_error", param: k, message: `Received unknown parameter: ${k}` } },
          };
      const refused = takeLookupKey(body.lookup_key, body.transfer_lookup_key, p.id);
      if (refused) return refused;
      return {
        body: this.put({
          ...p,
          ...(body.active !== undefined && { active: bool(body.active) }),
          ...(body.lookup_key !== undefined && { lookup_key: body.lookup_key === "" ? null : body.lookup_key }),
          ...(body.nickname !== undefined && { nickname: body.nickname }),
          ...(body.metadata !== undefined && {
            metadata: { ...(p.metadata as Record<string, string>), ...(body.metadata as Record<string, string>) },
          }),
        }),
      };
    });
    this.route("GET", /^\/v1\/prices$/, ({ query }) => ({
      body: this.listResponse(
        "/v1/prices",
        this.list(
          "price",
          (p) =>
            (bool(query.active) === undefined || p.active === bool(query.active)) &&
            (!query.product || p.product === query.product) &&
            (!query.type || p.type === query.type),
        ),
        query,
      ),
    }));
    this.route(
      "GET",
      /^\/v1\/(prices|products|customers|subscriptions|invoices|checkout\/sessions|payment_intents|charges|refunds|payment_methods|coupons|promotion_codes|credit_notes|setup_intents)\/([^/]+)$/,
      ({ params, query }) => {
        const o = this.objects.get(params[1]!);
        if (!o)
          return {
            status: 404,
            body: {
              error: {
                type: "invalid_request_error",
                code: "resource_missing",
                message: `No such object: '${params[1]}'`,
              },
            },
          };
        const expand = (query.expand as string[] | undefined) ?? [];
        const out = this.expand(o, expand);
        if (o.object === "checkout.session" && expand.includes("line_items"))
          out.line_items = {
            object: "list",
            url: `/v1/checkout/sessions/${o.id}/line_items`,
            has_more: false,
            data: this.lineItems.get(o.id) ?? [],
          };
        return { body: out };
      },
    );
    // As Stripe: an embedded session comes back to return_url (success_url/cancel_url are the hosted page's).
    this.route("POST", /^\/v1\/checkout\/sessions$/, ({ body }) => {
      const embedded = body.ui_mode === "embedded_page" || body.ui_mode === "embedded";
      const refuse = (param: string, message: string) => ({
        status: 400,
        body: { error: { type: "invalid_request_error", param, message } },
      });
      if (embedded && (body.success_url || body.cancel_url))
        return refuse(
          "success_url",
          "success_url and cancel_url cannot be used with an embedded ui_mode; use return_url.",
        );
      if (embedded && !body.return_url && body.redirect_on_completion !== "never")
        return refuse("return_url", "return_url is required with an embedded ui_mode.");
      if (!embedded && body.return_url)
        return refuse("return_url", "return_url can only be used with an embedded ui_mode.");
      return { body: this.createCheckoutSession(body) };
    });
    // SetupIntents: created for a customer, confirmed in the browser (confirmSetupIntent here).
    this.route("POST", /^\/v1\/setup_intents$/, ({ body }) => {
      if (body.customer && !this.objects.has(String(body.customer))) return noCustomer(String(body.customer));
      const id = stripeId("seti");
      return {
        body: this.put({
          id,
          object: "setup_intent",
          client_secret: `${id}_secret_${Math.random().toString(36).slice(2, 12)}`,
          customer: body.customer ?? null,
          status: "requires_payment_method",
          usage: body.usage ?? "off_session",
          payment_method: null,
          automatic_payment_methods: body.automatic_payment_methods ?? null,
          metadata: body.metadata ?? {},
          livemode: false,
          created: now(),
        }),
      };
    });
    // Tax rates as Stripe keeps them: immutable, listed, referenced by sessions, subscriptions and invoices.
    this.route("POST", /^\/v1\/tax_rates$/, ({ body }) => {
      if (body.percentage === undefined || body.display_name === undefined || body.inclusive === undefined)
        return {
          status: 400,
          body: {
            error: { type: "invalid_request_error", message: "display_name, percentage and inclusive are required" },
          },
        };
      return {
        body: this.put({
          id: stripeId("txr"),
          object: "tax_rate",
          active: true,
          display_name: body.display_name,
          percentage: Number(body.percentage),
          effective_percentage: Number(body.percentage),
          inclusive: body.inclusive === "true",
          country: body.country ?? null,
          state: body.state ?? null,
          jurisdiction: body.jurisdiction ?? null,
          livemode: false,
          metadata: body.metadata ?? {},
          created: now(),
        }),
      };
    });
    this.route("GET", /^\/v1\/tax_rates$/, ({ query }) => ({
      body: this.listResponse("/v1/tax_rates", this.list("tax_rate"), query),
    }));
    this.route("POST", /^\/v1\/coupons$/, ({ body }) => ({
      body: this.put({
        id: stripeId("co"),
        object: "coupon",
        name: body.name ?? null,
        percent_off: body.percent_off !== undefined ? Number(body.percent_off) : null,
        amount_off: body.amount_off !== undefined ? Number(body.amount_off) : null,
        currency: body.currency ?? null,
        duration: body.duration,
        duration_in_months: body.duration_in_months !== undefined ? Number(body.duration_in_months) : null,
        max_redemptions: body.max_redemptions !== undefined ? Number(body.max_redemptions) : null,
        redeem_by: body.redeem_by !== undefined ? Number(body.redeem_by) : null,
        times_redeemed: 0,
        valid: true,
        metadata: body.metadata ?? {},
        created: now(),
      }),
    }));
    this.route("POST", /^\/v1\/promotion_codes$/, ({ body }) => {
      const promotion = body.promotion as { coupon?: string } | undefined;
      if (!promotion?.coupon || !this.objects.has(promotion.coupon))
        return {
          status: 400,
          body: { error: { type: "invalid_request_error", code: "resource_missing", message: "No such coupon" } },
        };
      return {
        body: this.put({
          id: stripeId("promo"),
          object: "promotion_code",
          code: body.code,
          active: body.active !== "false",
          promotion: { type: "coupon", coupon: promotion.coupon },
          expires_at: body.expires_at !== undefined ? Number(body.expires_at) : null,
          max_redemptions: body.max_redemptions !== undefined ? Number(body.max_redemptions) : null,
          restrictions: body.restrictions ?? {},
          times_redeemed: 0,
          metadata: body.metadata ?? {},
          created: now(),
        }),
      };
    });
    this.route("POST", /^\/v1\/billing_portal\/sessions$/, ({ body }) => ({
      body: {
        id: stripeId("bps"),
        object: "billing_portal.session",
        url: `https://billing.stripe.test/p/session/${stripeId("x")}`,
        customer: body.customer,
        return_url: body.return_url,
      },
    }));
    this.route("POST", /^\/v1\/subscriptions\/([^/]+)$/, ({ params, body }) => {
      if (!this.objects.has(params[0]!))
        return {
          status: 404,
          body: { error: { type: "invalid_request_error", code: "resource_missing", message: "No such subscription" } },
        };
      const items = body.items as { id?: string; price?: string }[] | undefined;
      const patch: Partial<Obj> & { price?: string; itemId?: string } = {};
      if (body.cancel_at_period_end !== undefined) patch.cancel_at_period_end = body.cancel_at_period_end === "true";
      if (items?.[0]?.price) patch.price = items[0].price;
      if (items?.[0]?.id) patch.itemId = items[0].id;
      const discounts = body.discounts as { coupon?: string }[] | undefined;
      const coupon = discounts?.[0]?.coupon ? this.objects.get(discounts[0].coupon) : undefined;
      if (coupon) {
        const discount = {
          id: stripeId("di"),
          object: "discount",
          coupon,
          subscription: params[0],
          start: now(),
          end: null,
        };
        patch.discounts = [discount.id];
        patch.discount = discount;
      }
      return { body: this.updateSubscription(params[0]!, patch) };
    });
    this.route("POST", /^\/v1\/invoices\/create_preview$/, ({ body }) => {
      const sub = this.objects.get(String(body.subscription));
      const details = body.subscription_details as { items?: { price?: string }[] } | undefined;
      const newPrice = this.objects.get(String(details?.items?.[0]?.price));
      const oldPrice = (sub?.items as { data: { price: Obj }[] } | undefined)?.data[0]?.price ?? null;
      const diff = Math.max(0, Number(newPrice?.unit_amount ?? 0) - Number(oldPrice?.unit_amount ?? 0));
      return {
        body: {
          object: "invoice",
          amount_due: Math.round(diff / 2),
          currency: "usd",
          lines: { object: "list", data: [] },
        },
      };
    });
    const missing = (what: string, id: string) => ({
      status: 404,
      body: { error: { type: "invalid_request_error", code: "resource_missing", message: `No such ${what}: '${id}'` } },
    });
    // Subscription items: a subscription's extra items (add-ons), each with its own price and quantity.
    const findItem = (itemId: string) => {
      for (const sub of this.list("subscription")) {
        const data = (sub.items as { data: Obj[] }).data;
        const i = data.findIndex((x) => x.id === itemId);
        if (i >= 0) return { sub, data, i };
      }
      return null;
    };
    this.route("POST", /^\/v1\/subscription_items$/, ({ body }) => {
      const sub = this.objects.get(String(body.subscription));
      if (!sub) return missing("subscription", String(body.subscription));
      const price = this.objects.get(String(body.price));
      if (!price) return missing("price", String(body.price));
      const data = (sub.items as { data: Obj[] }).data;
      if (data.some((x) => (x.price as Obj).id === price.id))
        return {
          status: 400,
          body: {
            error: {
              type: "invalid_request_error",
              message: `The price ${price.id} is already on the subscription; update its item's quantity instead.`,
            },
          },
        };
      const item: Obj = {
        id: stripeId("si"),
        object: "subscription_item",
        subscription: sub.id,
        price,
        quantity: Number(body.quantity ?? 1),
        metadata: (body.metadata as Record<string, string> | undefined) ?? {},
        current_period_start: data[0]!.current_period_start,
        current_period_end: data[0]!.current_period_end,
      };
      this.setItems(sub.id, [...data, item]);
      this.prorateItem(sub.id, item, 0, Number(item.quantity), body.proration_behavior);
      return { body: item };
    });
    this.route("POST", /^\/v1\/subscription_items\/([^/]+)$/, ({ params, body }) => {
      const found = findItem(params[0]!);
      if (!found) return missing("subscription_item", params[0]!);
      const before = found.data[found.i]!;
      const item = { ...before, ...(body.quantity !== undefined && { quantity: Number(body.quantity) }) };
      this.setItems(
        found.sub.id,
        found.data.map((x, i) => (i === found.i ? item : x)),
      );
      this.prorateItem(found.sub.id, item, Number(before.quantity), Number(item.quantity), body.proration_behavior);
      return { body: item };
    });
    this.route("DELETE", /^\/v1\/subscription_items\/([^/]+)$/, ({ params, body, query }) => {
      const found = findItem(params[0]!);
      if (!found) return missing("subscription_item", params[0]!);
      const item = found.data[found.i]!;
      this.setItems(
        found.sub.id,
        found.data.filter((_, i) => i !== found.i),
      );
      const behavior = body.proration_behavior ?? query.proration_behavior;
      this.prorateItem(found.sub.id, item, Number(item.quantity), 0, behavior);
      return { body: { id: item.id, object: "subscription_item", deleted: true } };
    });
    // Customers, newest first (Stripe's order), optionally of one email; deleted ones are not listed.
    this.route("GET", /^\/v1\/customers$/, ({ query }) => ({
      body: this.listResponse(
        "/v1/customers",
        this.list("customer", (c) => !c.deleted && (!query.email || c.email === query.email)).reverse(),
        query,
      ),
    }));
    // Subscriptions, newest first, of a customer or price; without `status` Stripe leaves out
    // canceled ones (and incomplete_expired), `status=all` lists every one, another status only those.
    this.route("GET", /^\/v1\/subscriptions$/, ({ query }) => {
      const status = query.status as string | undefined;
      const items = (s: Obj) => (s.items as { data: { price: Obj }[] }).data;
      return {
        body: this.listResponse(
          "/v1/subscriptions",
          this.list(
            "subscription",
            (s) =>
              (!query.customer || s.customer === query.customer) &&
              (!query.price || items(s).some((i) => i.price.id === query.price)) &&
              (status === "all"
                ? true
                : status
                  ? s.status === status
                  : s.status !== "canceled" && s.status !== "incomplete_expired"),
          ).reverse(),
          query,
        ),
      };
    });
    // Invoices, newest first, of a subscription or customer, created at or after created[gte].
    this.route("GET", /^\/v1\/invoices$/, ({ query }) => {
      const created = query.created as { gte?: string } | undefined;
      const parentOf = (i: Obj) =>
        (i.parent as { subscription_details?: { subscription?: string } } | null)?.subscription_details?.subscription;
      return {
        body: this.listResponse(
          "/v1/invoices",
          this.list(
            "invoice",
            (i) =>
              (!query.subscription || parentOf(i) === query.subscription) &&
              (!query.customer || i.customer === query.customer) &&
              (!created?.gte || Number(i.created) >= Number(created.gte)),
          ).reverse(),
          query,
        ),
      };
    });
    this.route("GET", /^\/v1\/invoices\/([^/]+)\/lines$/, ({ params, query }) => {
      const inv = this.objects.get(params[0]!);
      if (!inv) return missing("invoice", params[0]!);
      return { body: this.listResponse(`/v1/invoices/${inv.id}/lines`, (inv.lines as { data: Obj[] }).data, query) };
    });
    this.route("GET", /^\/v1\/invoiceitems$/, ({ query }) => ({
      body: this.listResponse(
        "/v1/invoiceitems",
        this.list("invoiceitem", (i) => !query.invoice || i.invoice === query.invoice),
        query,
      ),
    }));
    this.route("POST", /^\/v1\/invoiceitems$/, ({ body }) => {
      const invoiceId = body.invoice as string | undefined;
      const inv = invoiceId ? this.objects.get(invoiceId) : undefined;
      if (invoiceId && !inv) return missing("invoice", invoiceId);
      // As at Stripe: only a draft takes new items.
      if (inv && inv.status !== "draft")
        return {
          status: 400,
          body: {
            error: {
              type: "invalid_request_error",
              code: "invoice_not_editable",
              message: `You can only add invoice items to draft invoices; ${invoiceId} is ${String(inv.status)}.`,
            },
          },
        };
      const period = body.period as { start?: string; end?: string } | undefined;
      const item = this.put({
        id: stripeId("ii"),
        object: "invoiceitem",
        customer: body.customer,
        invoice: invoiceId ?? null,
        amount: Number(body.amount),
        currency: String(body.currency ?? "usd"),
        description: body.description ?? null,
        period: { start: Number(period?.start ?? now()), end: Number(period?.end ?? now()) },
        metadata: (body.metadata as Record<string, string> | undefined) ?? {},
        date: now(),
      });
      if (invoiceId) this.addItemToInvoice(invoiceId, item);
      return { body: item };
    });
    this.route("POST", /^\/v1\/invoices$/, ({ body }) => {
      const inv = this.createInvoice({
        customer: String(body.customer),
        status: "draft",
        amount: 0,
        billingReason: "manual",
      });
      return {
        body: this.put({
          ...inv,
          currency: String(body.currency ?? "usd"),
          description: body.description ?? null,
          metadata: (body.metadata as Record<string, string> | undefined) ?? {},
          auto_advance: body.auto_advance === "true",
          lines: { object: "list", data: [] },
        }),
      };
    });
    // Voiding: only an open (finalized, unpaid) invoice, as at Stripe.
    this.route("POST", /^\/v1\/invoices\/([^/]+)\/void$/, ({ params }) => {
      const inv = this.objects.get(params[0]!);
      if (!inv) return missing("invoice", params[0]!);
      if (inv.status !== "open")
        return {
          status: 400,
          body: {
            error: {
              type: "invalid_request_error",
              message: `You can only void open invoices; this one is ${String(inv.status)}.`,
            },
          },
        };
      return { body: this.put({ ...inv, status: "void", amount_due: 0, status_transitions: { voided_at: now() } }) };
    });
    // Credit notes: never beyond what the invoice was paid minus earlier notes; a refund_amount refunds
    // its charge (when it has one), a credit_amount goes to the customer's balance (negative: owed to them).
    // Lines, as Stripe's reference has them: a custom_line_item of unit_amount × quantity, taxed by its
    // own `tax_rates` (an inclusive rate's tax inside the amount, an exclusive one's on top); an
    // invoice_line_item credits `amount` of that invoice line (its terms: with an inclusive rate's tax
    // inside) under the line's own tax rates, never more than is left of it. The tax of a line is the
    // rate's on the amount, rounded half up once; the credit that takes the rest of an invoice line
    // takes the rest of its tax (so a line credited in full gives back what it was charged).
    // `subtotal` is the lines' amounts, `total` (= `amount`) adds the exclusive tax; the refund and
    // credit amounts must add up to the total. The preview (GET /v1/credit_notes/preview) answers the
    // same note without making it.
    const creditNote = (body: Record<string, unknown>, create: boolean) => {
      const inv = this.objects.get(String(body.invoice));
      if (!inv) return missing("invoice", String(body.invoice));
      const lines =
        (body.lines as
          | {
              type?: string;
              description?: string;
              quantity?: string;
              unit_amount?: string;
              invoice_line_item?: string;
              amount?: string;
              tax_rates?: string[];
            }[]
          | undefined) ?? [];
      const refuse = (message: string) => ({
        status: 400,
        body: { error: { type: "invalid_request_error", message } },
      });
      const earlierNotes = this.list("credit_note", (n) => n.invoice === inv.id && n.status !== "void");
      type Tax = ReturnType<StripeServer["taxesOn"]>[number];
      type NoteLine = { description: string | null; amount: number; invoice_line_item: string | null; taxes: Tax[] };
      const invoiceLines = (inv.lines as { data: Obj[] } | undefined)?.data ?? [];
      const noteLines: NoteLine[] = [];
      for (const l of lines) {
        if (l.type === "invoice_line_item") {
          const line = invoiceLines.find((x) => x.id === l.invoice_line_item);
          if (!line) return refuse(`No such invoice line item: '${String(l.invoice_line_item)}'`);
          const before = earlierNotes
            .flatMap((n) => (n.lines as { data: NoteLine[] }).data)
            .filter((x) => x.invoice_line_item === line.id);
          const lineAmount = Number(line.amount);
          const left = lineAmount - before.reduce((a, x) => a + x.amount, 0);
          const amount = l.amount !== undefined ? Number(l.amount) : left;
          if (amount <= 0 || amount > left)
            return refuse(
              `The amount (${amount}) exceeds what is left to credit on line ${String(line.id)} (${left}).`,
            );
          const rates = ((line.taxes as Tax[] | undefined) ?? []).map((t) => t.tax_rate_details.tax_rate);
          const taxes = this.taxesOn(amount, rates, (rate) => {
            const charged =
              ((line.taxes as Tax[]).find((t) => t.tax_rate_details.tax_rate === rate.id)?.amount ?? 0) -
              before
                .flatMap((x) => x.taxes)
                .filter((t) => t.tax_rate_details.tax_rate === rate.id)
                .reduce((a, t) => a + t.amount, 0);
            return amount === left ? charged : Math.min(charged, this.rateTax(amount, rate));
          });
          noteLines.push({
            description: (line.description as string) ?? null,
            amount,
            invoice_line_item: line.id,
            taxes,
          });
        } else {
          const amount = Number(l.unit_amount ?? 0) * Number(l.quantity ?? 1);
          noteLines.push({
            description: l.description ?? null,
            amount,
            invoice_line_item: null,
            taxes: this.taxesOn(amount, l.tax_rates ?? []),
          });
        }
      }
      const taxes = noteLines.flatMap((l) => l.taxes);
      const exclusiveTax = taxes.filter((t) => t.tax_behavior === "exclusive").reduce((a, t) => a + t.amount, 0);
      const subtotal = noteLines.reduce((a, l) => a + l.amount, 0);
      const amount = lines.length ? subtotal + exclusiveTax : Number(body.amount ?? 0);
      const earlier = earlierNotes.reduce((a, n) => a + Number(n.amount), 0);
      const refundAmount = Number(body.refund_amount ?? 0);
      const creditAmount = Number(body.credit_amount ?? 0);
      const outOfBand = Number(body.out_of_band_amount ?? 0);
      if (inv.status !== "paid" && inv.status !== "open")
        return refuse(`Invoice ${String(inv.id)} is ${String(inv.status)}.`);
      if (amount <= 0 || amount + earlier > Number(inv.total))
        return refuse(
          `The credit note amount (${amount}) exceeds the invoice's remaining creditable amount (${Number(inv.total) - earlier}).`,
        );
      if (refundAmount + creditAmount + outOfBand !== amount && refundAmount + creditAmount + outOfBand !== 0)
        return refuse(
          "The sum of credit amount, refund amount and out of band amount must equal the credit note amount.",
        );
      let refund: Obj | null = null;
      if (create && refundAmount > 0) {
        if (typeof inv.charge === "string") this.refundCharge(inv.charge, refundAmount);
        refund = this.put({
          id: stripeId("re"),
          object: "refund",
          amount: refundAmount,
          charge: inv.charge ?? null,
          status: "succeeded",
          created: now(),
        });
      }
      if (create && creditAmount > 0) {
        const customer = this.objects.get(String(inv.customer));
        if (customer) this.put({ ...customer, balance: Number(customer.balance ?? 0) - creditAmount });
      }
      const id = stripeId("cn");
      const seq = this.list("credit_note", (n) => n.invoice === inv.id).length + 1;
      const totalTax = taxes.reduce((a, t) => a + t.amount, 0);
      const note: Obj = {
        id,
        object: "credit_note",
        number: `${String(inv.number)}-CN-${String(seq).padStart(2, "0")}`,
        invoice: inv.id,
        customer: inv.customer,
        amount,
        subtotal,
        subtotal_excluding_tax: subtotal - (taxes.length ? totalTax - exclusiveTax : 0),
        total: amount,
        total_excluding_tax: amount - totalTax,
        // Per rate, as Stripe sums them.
        total_taxes: [...new Set(taxes.map((t) => t.tax_rate_details.tax_rate))].map((rate) => {
          const of = taxes.filter((t) => t.tax_rate_details.tax_rate === rate);
          return {
            ...of[0]!,
            amount: of.reduce((a, t) => a + t.amount, 0),
            taxable_amount: of.reduce((a, t) => a + t.taxable_amount, 0),
          };
        }),
        currency: inv.currency,
        status: "issued",
        memo: body.memo ?? null,
        metadata: body.metadata ?? {},
        // A note on an unpaid invoice lowers what is due (pre_payment); on a paid one it gives money back.
        type: inv.status === "paid" ? "post_payment" : "pre_payment",
        pre_payment_amount: inv.status === "paid" ? 0 : amount,
        post_payment_amount: inv.status === "paid" ? amount : 0,
        refunds: refund ? [{ refund: refund.id, amount_refunded: refundAmount, type: "refund" }] : [],
        // Not Stripe's fields: what was asked, kept so tests can read what Tally sent.
        credit_amount: creditAmount,
        refund_amount: refundAmount,
        out_of_band_amount: outOfBand || null,
        reason: body.reason ?? null,
        livemode: false,
        pdf: `https://invoice.stripe.test/${id}.pdf`,
        created: now(),
        lines: {
          object: "list",
          data: noteLines.map((l) => ({ id: stripeId("cnli"), object: "credit_note_line_item", ...l })),
        },
      };
      return { body: create ? this.put(note) : note };
    };
    this.route("POST", /^\/v1\/credit_notes$/, ({ body }) => creditNote(body, true));
    this.route("GET", /^\/v1\/credit_notes\/preview$/, ({ query }) => creditNote(query, false));
    this.route("POST", /^\/v1\/credit_notes\/([^/]+)\/void$/, ({ params }) => {
      const note = this.objects.get(params[0]!);
      if (!note) return missing("credit note", params[0]!);
      return { body: this.put({ ...note, status: "void", voided_at: now() }) };
    });
    this.route("POST", /^\/v1\/invoices\/([^/]+)\/finalize$/, ({ params, body }) => {
      const inv = this.objects.get(params[0]!);
      if (!inv) return missing("invoice", params[0]!);
      if (inv.status !== "draft")
        return {
          status: 400,
          body: { error: { type: "invalid_request_error", message: `This invoice is already finalized` } },
        };
      // auto_advance: Stripe charges the customer's default card after finalizing; here it succeeds.
      return { body: this.finalizeInvoice(params[0]!, body.auto_advance !== "false") };
    });
    // A subscription's discount deleted: its next invoices are full price. None to delete is a 404, as Stripe answers.
    this.route("DELETE", /^\/v1\/subscriptions\/([^/]+)\/discount$/, ({ params }) => {
      const sub = this.objects.get(params[0]!);
      if (!sub) return missing("subscription", params[0]!);
      const discount = sub.discount as Obj | null | undefined;
      if (!discount) return missing("discount of subscription", params[0]!);
      this.put({ ...sub, discount: null, discounts: [] });
      return { body: { object: "discount", id: discount.id, deleted: true } };
    });
    // A promotion code's `active` (the only field Tally changes).
    this.route("POST", /^\/v1\/promotion_codes\/([^/]+)$/, ({ params, body }) => {
      const promo = this.objects.get(params[0]!);
      if (!promo) return missing("promotion code", params[0]!);
      return { body: this.put({ ...promo, ...(body.active !== undefined && { active: body.active === "true" }) }) };
    });
    this.route("DELETE", /^\/v1\/subscriptions\/([^/]+)$/, ({ params }) => {
      const sub = this.objects.get(params[0]!);
      if (!sub) return missing("subscription", params[0]!);
      return { body: this.put({ ...sub, status: "canceled", canceled_at: now(), ended_at: now() }) };
    });
    this.route("POST", /^\/v1\/customers$/, ({ body }) => ({
      body: this.put({
        id: stripeId("cus"),
        object: "customer",
        created: now(),
        metadata: {},
        invoice_settings: { default_payment_method: null },
        ...body,
      }),
    }));
    // A customer's name and address (billing details), and its tax ids.
    this.route("POST", /^\/v1\/customers\/([^/]+)$/, ({ params, body }) => {
      const c = this.objects.get(params[0]!);
      if (!c || c.object !== "customer") return noCustomer(params[0]!);
      return { body: this.put({ ...c, ...body }) };
    });
    this.route("GET", /^\/v1\/customers\/([^/]+)\/tax_ids$/, ({ params }) => {
      if (!this.objects.has(params[0]!)) return noCustomer(params[0]!);
      const data = this.taxIdsOf(params[0]!);
      return { body: { object: "list", url: `/v1/customers/${params[0]}/tax_ids`, has_more: false, data } };
    });
    this.route("POST", /^\/v1\/customers\/([^/]+)\/tax_ids$/, ({ params, body }) => {
      if (!this.objects.has(params[0]!)) return noCustomer(params[0]!);
      const t = { id: stripeId("txi"), object: "tax_id", customer: params[0]!, type: body.type, value: body.value };
      this.taxIds.set(params[0]!, [...this.taxIdsOf(params[0]!), t]);
      return { body: t };
    });
    this.route("DELETE", /^\/v1\/customers\/([^/]+)\/tax_ids\/([^/]+)$/, ({ params }) => {
      const list = this.taxIdsOf(params[0]!);
      if (!list.some((t) => t.id === params[1])) return noCustomer(params[1]!);
      this.taxIds.set(
        params[0]!,
        list.filter((t) => t.id !== params[1]),
      );
      return { body: { id: params[1], object: "tax_id", deleted: true } };
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? "/", "http://stripe.test");
    const body = parseForm(Buffer.concat(chunks).toString("utf8"));
    const query = parseForm(url.searchParams.toString());
    const method = req.method ?? "GET";
    const idempotencyKey = (req.headers["idempotency-key"] as string | undefined) ?? null;
    this.requests.push({ method, path: url.pathname, body, query, idempotencyKey });
    const hanging = this.hanging?.match.test(`${method} ${url.pathname}`) ? this.hanging : null;
    if (hanging?.answerAfterMs === null) return;
    if (hanging) await new Promise((r) => setTimeout(r, hanging.answerAfterMs!));
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { "content-type": "application/json", "request-id": `req_${stripeId("r")}` });
      res.end(JSON.stringify(payload));
    };
    const outage = this.outage?.except?.test(`${method} ${url.pathname}`) ? null : this.outage;
    const failAs = (status: number) => ({ error: { type: "api_error", message: `Injected outage ${status}` } });
    if (outage && !outage.afterEffect) return send(outage.status, failAs(outage.status));
    const failure = this.failures.find((f) => f.remaining > 0 && f.match.test(`${method} ${url.pathname}`));
    if (failure) {
      failure.remaining--;
      return send(
        failure.status,
        failure.body ?? { error: { type: "api_error", message: `Injected failure ${failure.status}` } },
      );
    }
    if (method === "POST" && idempotencyKey) {
      const seen = this.idempotent.get(`${url.pathname}|${idempotencyKey}`);
      // As Stripe: the same key with other parameters is an error, never a silent second object.
      if (seen && seen.params !== JSON.stringify(body))
        return send(400, {
          error: {
            type: "idempotency_error",
            message: `Keys for idempotent requests can only be used with the same parameters they were first used with.`,
          },
        });
      if (seen) return send(seen.status, seen.body);
    }
    for (const r of this.routes) {
      const m = r.method === method ? r.pattern.exec(url.pathname) : null;
      if (!m) continue;
      const out = r.handler({ params: m.slice(1), body, query });
      const status = out.status ?? 200;
      if (method === "POST" && idempotencyKey && status < 500)
        this.idempotent.set(`${url.pathname}|${idempotencyKey}`, {
          status,
          body: out.body,
          params: JSON.stringify(body),
        });
      if (outage) return send(outage.status, failAs(outage.status));
      return send(status, out.body);
    }
    send(404, {
      error: { type: "invalid_request_error", message: `Unrecognized request URL (${method}: ${url.pathname})` },
    });
  }
}

export const now = () => Math.floor(Date.now() / 1000);
