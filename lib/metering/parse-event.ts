// Reads one event as a sender shaped it — FlexPrice's or Lago's — into one internal form, or a
// rejection that names the field. Pure: no database, no clock (the caller passes `now`).
//
// FlexPrice: {event_name, external_customer_id | customer_id, event_id?, timestamp? (RFC 3339),
//   source?, properties?}. Without event_id the server makes one (as FlexPrice does), but such an
//   event cannot be deduplicated on retry: `eventId` is null here and the caller counts it apart.
// Lago: {transaction_id, code, external_subscription_id | external_customer_id,
//   timestamp? (Unix seconds, number or numeric string), properties?}; transaction_id is required,
//   as in Lago.
import { canonicalJson } from "@/lib/canonical-json";
import { MAX_JSON_DEPTH, TOO_DEEP_MESSAGE, tooDeepPath } from "@/lib/http/json-depth";
import { badTextMessage, badTextPath, mayHoldBadText } from "@/lib/http/nul";
import { NativeDate } from "@/lib/native-date";
import type { ItemError } from "./contributions";

export type CustomerRef = {
  /** FlexPrice and Lago: the platform's id for the customer (organizations.external_id); Tally's own id also works. */
  externalCustomerId?: string;
  /** FlexPrice: a customer id; Tally's own id (or the external id). */
  customerId?: string;
  /** Lago: subscriptions.external_id, or Tally's subscription id. */
  subscriptionRef?: string;
};

export type ParsedEvent = {
  ref: CustomerRef;
  eventId: string | null;
  eventName: string;
  /** Null when the sender gave none: the time of receipt. */
  timestamp: Date | null;
  properties: Record<string, unknown>;
  /** canonicalJson(properties): fingerprinted, and stored as the event's properties (jsonb reads it as the same value). */
  propertiesJson: string;
  source: string | null;
  /** The shape's names for the event name and id fields, so rejections name the field that was sent. */
  fields: EventFields;
};

export type EventFields = { name: "event_name" | "code"; id: "event_id" | "transaction_id" };
export const FLEXPRICE_FIELDS: EventFields = { name: "event_name", id: "event_id" };
export const LAGO_FIELDS: EventFields = { name: "code", id: "transaction_id" };

export type ParseResult =
  | { ok: true; event: ParsedEvent; raw: unknown }
  | {
      ok: false;
      error: ItemError;
      raw: unknown;
      eventId: string | null;
      eventName: string | null;
      customerRef: string | null;
    };

export const MAX_NAME_LENGTH = 200;
export const MAX_ID_LENGTH = 255;
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:[Zz]|[+-]\d{2}:?\d{2})$/;
const UNIX_SECONDS = /^\d{1,12}(?:\.\d{1,9})?$/;

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** The source of the usage events a finalized call records (lib/agents/record-call-usage.ts). */
export const CALL_SOURCE = "call";

function fail(raw: unknown, field: string, message: string): ParseResult {
  const o = isObject(raw) ? raw : {};
  const str = (k: string) => (typeof o[k] === "string" ? (o[k] as string).slice(0, MAX_ID_LENGTH) : null);
  return {
    ok: false,
    error: { field, message },
    raw,
    eventId: str("event_id") ?? str("transaction_id"),
    eventName: str("event_name") ?? str("code"),
    customerRef: str("external_customer_id") ?? str("customer_id") ?? str("external_subscription_id"),
  };
}

/** A required or optional string field: trimmed, non-empty, bounded. */
function stringField(
  o: Obj,
  key: string,
  required: boolean,
  max: number,
): { value: string | undefined } | { error: string } {
  const v = o[key];
  if (v === undefined || v === null) return required ? { error: "is required" } : { value: undefined };
  if (typeof v !== "string") return { error: `must be a string, got ${typeof v}` };
  const s = v.trim();
  if (s === "") return required ? { error: "must not be empty" } : { value: undefined };
  if (s.length > max) return { error: `must be at most ${max} characters` };
  const bad = badTextMessage(s);
  if (bad) return { error: bad };
  return { value: s };
}

function propertiesField(o: Obj): { value: Obj; json: string } | { error: string; field?: string } {
  const v = o.properties;
  if (v === undefined || v === null) return { value: {}, json: "{}" };
  if (!isObject(v)) return { error: "must be an object" };
  // The event is level 1, as a whole body is for route(): a batch item gets the same bound alone.
  const deep = tooDeepPath(v, MAX_JSON_DEPTH - 1, "properties");
  if (deep) return { error: TOO_DEEP_MESSAGE, field: deep };
  const json = canonicalJson(v);
  // JSON writes U+0000 and lone surrogates only as escapes, so the walk that names the property runs only when one is there.
  if (mayHoldBadText(json)) {
    const bad = badTextPath(v, "properties");
    if (bad) return { error: bad.message, field: bad.field };
  }
  return { value: v, json };
}

/**
 * A 106-bit fingerprint of an event's content (two 53-bit cyrb53 hashes with different seeds),
 * stored with its id so a replay can be told from a different event reusing the id. It is taken
 * over the content as Tally reads it — event name, customer, the sent timestamp (or none), source
 * and properties — so the same event sent in FlexPrice's or Lago's shape, or naming its customer
 * by external id or by Tally id, has the same fingerprint. It is only ever compared for one
 * customer's one event id, so a fast non-cryptographic hash is enough (a crypto Hash object per
 * event cost a few percent of bulk ingestion). `propertiesJson` is canonicalJson(properties).
 */
export function eventHash(parts: (string | undefined | null)[], propertiesJson: string): string {
  // cyrb53 with the seeds 0x9e3779b9 and 0x85ebca6b, both in one pass, over the parts each followed
  // by U+0001 and then the properties: the text is read where it is, never joined into one.
  let a1 = 0xdeadbeef ^ 0x9e3779b9;
  let a2 = 0x41c6ce57 ^ 0x9e3779b9;
  let b1 = 0xdeadbeef ^ 0x85ebca6b;
  let b2 = 0x41c6ce57 ^ 0x85ebca6b;
  for (let s = 0; s <= parts.length; s++) {
    const last = s === parts.length;
    const str = last ? propertiesJson : (parts[s] ?? "");
    for (let i = 0, end = last ? str.length : str.length + 1; i < end; i++) {
      const ch = i < str.length ? str.charCodeAt(i) : 1;
      a1 = Math.imul(a1 ^ ch, 2654435761);
      a2 = Math.imul(a2 ^ ch, 1597334677);
      b1 = Math.imul(b1 ^ ch, 2654435761);
      b2 = Math.imul(b2 ^ ch, 1597334677);
    }
  }
  return `${base36(finish(a1, a2))}.${base36(finish(b1, b2))}`;
}

const DIGITS36 = "0123456789abcdefghijklmnopqrstuvwxyz";

/**
 * A non-negative integer below 2^53 in base 36, as `n.toString(36)` writes it. V8 formats a large
 * number in another radix through a general floating-point routine that took ~0.5 µs a call, two
 * calls an event: a tenth of the server's time under bulk ingestion. Here the number is split at
 * 36^5 into two parts that are small integers (below 2^28 and 36^5), whose digits are exact
 * integer arithmetic; `%` on a number above 2^31 would be a floating-point remainder, a C call a digit.
 */
export function base36(n: number): string {
  let high = Math.floor(n / POW36_5);
  let low = n - high * POW36_5; // exact: every product here is below 2^53
  // The division rounds to nearest: the quotient may be one off, which the remainder shows.
  if (low < 0) {
    high--;
    low += POW36_5;
  } else if (low >= POW36_5) {
    high++;
    low -= POW36_5;
  }
  if (high === 0) return digits36(low, 1);
  return digits36(high, 1) + digits36(low, 5);
}

const POW36_5 = 36 ** 5;

/** The base-36 digits of an integer below 2^31, at least `width` of them (leading zeros). */
function digits36(n: number, width: number): string {
  let out = "";
  for (let i = 0; n > 0 || i < width; i++) {
    const digit = n % 36;
    out = DIGITS36[digit]! + out;
    n = (n - digit) / 36;
  }
  return out;
}

function finish(h1: number, h2: number): number {
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** A FlexPrice-shaped event (POST /events, /events/bulk). */
export function parseFlexPriceEvent(raw: unknown): ParseResult {
  if (!isObject(raw)) return fail(raw, "(event)", "must be a JSON object");
  const name = stringField(raw, "event_name", true, MAX_NAME_LENGTH);
  if ("error" in name) return fail(raw, "event_name", name.error);
  const ext = stringField(raw, "external_customer_id", false, MAX_NAME_LENGTH);
  if ("error" in ext) return fail(raw, "external_customer_id", ext.error);
  const cid = stringField(raw, "customer_id", false, MAX_NAME_LENGTH);
  if ("error" in cid) return fail(raw, "customer_id", cid.error);
  // A customer_id sent blank (and no external_customer_id) is that field's error, not a missing customer.
  if (!ext.value && !cid.value && typeof raw.customer_id === "string")
    return fail(raw, "customer_id", "must not be empty");
  const id = stringField(raw, "event_id", false, MAX_ID_LENGTH);
  if ("error" in id) return fail(raw, "event_id", id.error);
  const source = stringField(raw, "source", false, MAX_NAME_LENGTH);
  if ("error" in source) return fail(raw, "source", source.error);
  // Usage with source "call" is a finalized call's, billed through the call and never drawn from
  // credits (lib/credits/drawdown-events.ts): a sender must not be able to claim it.
  if (source.value === CALL_SOURCE)
    return fail(raw, "source", `"${CALL_SOURCE}" is reserved for the usage a finalized call records (send_usage)`);
  const props = propertiesField(raw);
  if ("error" in props) return fail(raw, props.field ?? "properties", props.error);

  let timestamp: Date | null = null;
  const ts = raw.timestamp;
  if (ts !== undefined && ts !== null && ts !== "") {
    if (typeof ts !== "string" || !ISO_TIMESTAMP.test(ts))
      return fail(raw, "timestamp", "must be an RFC 3339 time with a time zone, e.g. 2024-03-20T15:04:05Z");
    timestamp = new NativeDate(ts);
    if (Number.isNaN(timestamp.getTime())) return fail(raw, "timestamp", "is not a valid date");
  }
  const ref: CustomerRef = {};
  if (ext.value) ref.externalCustomerId = ext.value;
  if (cid.value) ref.customerId = cid.value;
  return {
    ok: true,
    raw,
    event: {
      ref,
      eventId: id.value ?? null,
      eventName: name.value!,
      timestamp,
      properties: props.value,
      propertiesJson: props.json,
      source: source.value ?? null,
      fields: FLEXPRICE_FIELDS,
    },
  };
}

/** A Lago-shaped event (POST /events with {"event": …}, /events/batch). */
export function parseLagoEvent(raw: unknown): ParseResult {
  if (!isObject(raw)) return fail(raw, "(event)", "must be a JSON object");
  const tx = stringField(raw, "transaction_id", true, MAX_ID_LENGTH);
  if ("error" in tx) return fail(raw, "transaction_id", tx.error);
  const code = stringField(raw, "code", true, MAX_NAME_LENGTH);
  if ("error" in code) return fail(raw, "code", code.error);
  const sub = stringField(raw, "external_subscription_id", false, MAX_NAME_LENGTH);
  if ("error" in sub) return fail(raw, "external_subscription_id", sub.error);
  const ext = stringField(raw, "external_customer_id", false, MAX_NAME_LENGTH);
  if ("error" in ext) return fail(raw, "external_customer_id", ext.error);
  const props = propertiesField(raw);
  if ("error" in props) return fail(raw, props.field ?? "properties", props.error);

  let timestamp: Date | null = null;
  const ts = raw.timestamp;
  if (ts !== undefined && ts !== null && ts !== "") {
    const seconds =
      typeof ts === "number" ? ts : typeof ts === "string" && UNIX_SECONDS.test(ts.trim()) ? Number(ts.trim()) : NaN;
    if (!Number.isFinite(seconds) || seconds < 0)
      return fail(raw, "timestamp", "must be a Unix time in seconds (a number or a numeric string), e.g. 1711000000");
    timestamp = new NativeDate(Math.round(seconds * 1000));
  }
  const ref: CustomerRef = {};
  if (sub.value) ref.subscriptionRef = sub.value;
  if (ext.value) ref.externalCustomerId = ext.value;
  return {
    ok: true,
    raw,
    event: {
      ref,
      eventId: tx.value!,
      eventName: code.value!,
      timestamp,
      properties: props.value,
      propertiesJson: props.json,
      source: null,
      fields: LAGO_FIELDS,
    },
  };
}

/** A short label of the customer an item named, for logs. */
export function refLabel(ref: CustomerRef): string | null {
  return ref.externalCustomerId ?? ref.customerId ?? ref.subscriptionRef ?? null;
}

/**
 * An Idempotency-Key header gives id-less items an id: the key itself for a single event, the
 * key and the item's position (`key#3`) in a batch, so retrying the same request never counts
 * them twice.
 */
export function applyIdempotencyKey(items: ParseResult[], key: string | null, batch: boolean): void {
  if (!key) return;
  items.forEach((item, i) => {
    if (item.ok && item.event.eventId === null) item.event.eventId = batch ? `${key}#${i}` : key;
  });
}
