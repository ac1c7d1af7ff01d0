// Example values for the API reference (/docs): a request body, query or answer made from the JSON
// schema the OpenAPI document holds for it (z.toJSONSchema of the route's own zod schema), so an
// example is never written by hand beside the schema it illustrates. tests/routes.test.ts checks
// that every example request passes the route's own validation.

export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  nullable?: boolean;
  default?: unknown;
  example?: unknown;
  examples?: unknown[];
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
};

const STAMP = "2026-12-01T09:30:00.000Z";

/** A plausible string for a field, by its format, its name, then its pattern. */
function stringFor(s: JsonSchema, name: string): string {
  if (s.format === "date-time") return STAMP;
  if (s.format === "date") return STAMP.slice(0, 10);
  if (s.format === "email" || /email/.test(name)) return "billing@acme.example";
  if (s.format === "uri" || s.format === "url" || /(^|_)url$/.test(name)) return "https://acme.example/tally/webhooks";
  if (s.format === "uuid" || /idempotency_key/.test(name)) return "5f0c2a9e-8d1b-4c57-9a3e-2b7d61f04c18";
  const candidates = [
    ...(/currency/.test(name) ? ["usd"] : []),
    ...(/(^|_)(at|from|to|since|until|start|end|timestamp)$/.test(name) ? [STAMP] : []),
    ...(name === "customer_id" ? ["org_01jcustomer0example"] : []),
    ...(/(^|_)id$/.test(name) ? [`${name.replace(/_?id$/, "") || "obj"}_123`] : []),
    ...(/code|event_name|meter|metric|key|slug/.test(name) ? ["api_calls"] : []),
    ...(/name|title|reason|description|label/.test(name) ? ["Acme production"] : []),
    "10.00",
    "2026-11",
    "10",
    "1",
    "example",
    "api_calls",
    STAMP,
    "usd",
  ];
  const fits = (v: string) =>
    (s.minLength === undefined || v.length >= s.minLength) &&
    (s.maxLength === undefined || v.length <= s.maxLength) &&
    (!s.pattern || new RegExp(s.pattern).test(v));
  return candidates.find(fits) ?? "x".repeat(Math.max(1, s.minLength ?? 1));
}

function numberFor(s: JsonSchema, integer: boolean): number {
  const exclusive = typeof s.exclusiveMinimum === "number" ? s.exclusiveMinimum : undefined;
  let n = s.minimum ?? (exclusive !== undefined ? exclusive + 1 : 1);
  if (s.minimum !== undefined && s.exclusiveMinimum === true) n = s.minimum + 1;
  if (n < 1 && (s.maximum === undefined || s.maximum >= 1)) n = 1;
  if (s.maximum !== undefined && n > s.maximum) n = s.maximum;
  return integer ? Math.ceil(n) : n;
}

/**
 * An example value for `schema`. Objects show their required fields (or every field when none is
 * required, so an all-optional body still shows its shape); `name` is the field's name, which picks
 * a plausible string ("customer_id" → "org_…", "currency" → "usd").
 */
export function exampleOf(schema: JsonSchema, name = "", depth = 0): unknown {
  if (schema.example !== undefined) return schema.example;
  if (schema.examples?.length) return schema.examples[0];
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum.find((v) => v !== null) ?? schema.enum[0];
  if (schema.default !== undefined && schema.default !== null) return schema.default;
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives?.length) {
    const pick = alternatives.find((a) => a.type !== "null" && !(a.enum && a.enum.every((v) => v === null)));
    return exampleOf(pick ?? alternatives[0]!, name, depth);
  }
  if (schema.allOf?.length) return exampleOf(Object.assign({}, ...schema.allOf) as JsonSchema, name, depth);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  switch (type ?? (schema.properties ? "object" : schema.items ? "array" : undefined)) {
    case "object": {
      if (depth > 5) return {};
      const props = schema.properties ?? {};
      const required = schema.required ?? [];
      const shown = required.length > 0 ? required : Object.keys(props);
      const out: Record<string, unknown> = {};
      for (const key of shown) {
        // One way to name a thing: external_customer_id is the alternative to customer_id, never beside it.
        if (key.startsWith("external_") && shown.includes(key.slice("external_".length))) continue;
        if (props[key]) out[key] = exampleOf(props[key], key, depth + 1);
      }
      if (shown.length === 0 && typeof schema.additionalProperties === "object")
        out[name === "metadata" ? "plan" : "key"] = exampleOf(schema.additionalProperties, "value", depth + 1);
      return out;
    }
    case "array": {
      const one = schema.items ? exampleOf(schema.items, name.replace(/s$/, ""), depth + 1) : "example";
      return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () => one);
    }
    case "string":
      return stringFor(schema, name);
    case "integer":
      return numberFor(schema, true);
    case "number":
      return numberFor(schema, false);
    case "boolean":
      return true;
    default:
      return null;
  }
}

/** A shell-safe single-quoted string. */
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The curl command for an operation of the OpenAPI document: path parameters as shell variables
 * ({customer_id} → $CUSTOMER_ID), the query and body made from their schemas, the API key from
 * $TALLY_API_KEY unless the operation is public.
 */
type ExampleOp = {
  security?: unknown[];
  parameters?: { name: string; in: string; required?: boolean; schema?: JsonSchema }[];
  requestBody?: { content: { "application/json": { schema: JsonSchema } } };
};

/** The example query string of an operation: its required parameters, made from their schemas ("" when none). */
export function queryExample(op: ExampleOp): string {
  return (op.parameters ?? [])
    .filter((p) => p.in === "query" && p.required)
    .map((p) => `${encodeURIComponent(p.name)}=${encodeURIComponent(String(exampleOf(p.schema ?? {}, p.name)))}`)
    .join("&");
}

/** The example body of an operation, as pretty JSON; null when it takes none. */
export function bodyExample(op: ExampleOp): string | null {
  const body = op.requestBody?.content["application/json"].schema;
  return body ? JSON.stringify(exampleOf(body), null, 2) : null;
}

export function curlExample(baseUrl: string, method: string, path: string, op: ExampleOp): string {
  const url = path.replace(/\{(\w+)\}/g, (_, name: string) => `$${name.toUpperCase()}`);
  const query = queryExample(op);
  const lines = [`curl -X ${method.toUpperCase()} "${baseUrl}${url}${query ? `?${query}` : ""}"`];
  if (op.security?.length) lines.push(`-H "Authorization: Bearer $TALLY_API_KEY"`);
  const body = bodyExample(op);
  if (body) {
    lines.push(`-H "Content-Type: application/json"`);
    lines.push(`-d ${quote(body)}`);
  }
  return lines.join(" \\\n  ");
}

/**
 * The same request in TypeScript with fetch (Node 18+ or a browser): path parameters as variables
 * ({customer_id} → ${customerId}), the key from TALLY_API_KEY, the answer parsed as JSON.
 */
export function typescriptExample(baseUrl: string, method: string, path: string, op: ExampleOp): string {
  const camel = (n: string) => n.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());
  const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const url = path.replace(/\{(\w+)\}/g, (_, name: string) => `\${${camel(name)}}`);
  const query = queryExample(op);
  const body = bodyExample(op);
  const headers = [
    ...(op.security?.length ? ["Authorization: `Bearer ${process.env.TALLY_API_KEY}`"] : []),
    ...(body ? ['"Content-Type": "application/json"'] : []),
  ];
  const init = [
    `method: "${method.toUpperCase()}"`,
    ...(headers.length ? [`headers: { ${headers.join(", ")} }`] : []),
    ...(body ? [`body: JSON.stringify(${body.replace(/\n/g, "\n  ")})`] : []),
  ];
  return [
    ...params.map((p) => `const ${camel(p)} = "…"; // the ${p.replace(/_/g, " ")}`),
    `const res = await fetch(\`${baseUrl}${url}${query ? `?${query}` : ""}\`, {`,
    ...init.map((l) => `  ${l},`),
    "});",
    "if (!res.ok) throw new Error(`Tally answered ${res.status}: ${await res.text()}`);",
    "const answer = await res.json();",
  ].join("\n");
}
