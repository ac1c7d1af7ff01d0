type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  description?: string;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  nullable?: boolean;
  default?: unknown;
  format?: string;
  pattern?: string;
  maximum?: number;
  minimum?: number;
};

function typeLabel(s: JsonSchema): string {
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  const alts = s.anyOf ?? s.oneOf;
  if (alts) return alts.map(typeLabel).join(" | ");
  const t = Array.isArray(s.type) ? s.type.join(" | ") : (s.type ?? "any");
  if (t === "array" && s.items) return `${typeLabel(s.items)}[]`;
  return `${t}${s.format ? ` (${s.format})` : ""}${s.nullable ? " | null" : ""}`;
}

/** A JSON schema's fields as a readable list, nested objects indented. */
export function SchemaFields({ schema, depth = 0 }: { schema: JsonSchema; depth?: number }) {
  const props = schema.properties ?? (schema.items?.properties ? schema.items.properties : undefined);
  const required = schema.properties ? (schema.required ?? []) : (schema.items?.required ?? []);
  if (!props) return <p className="text-xs text-zinc-500">{typeLabel(schema)}</p>;
  return (
    <ul className={depth ? "ml-4 border-l border-zinc-200 pl-3" : ""}>
      {Object.entries(props).map(([name, s]) => (
        <li key={name} className="py-1">
          <code className="font-mono text-xs font-semibold text-zinc-900">{name}</code>
          <span className="ml-2 font-mono text-xs text-zinc-500">{typeLabel(s)}</span>
          {required.includes(name) && <span className="ml-2 text-xs font-medium text-red-600">required</span>}
          {s.default !== undefined && (
            <span className="ml-2 text-xs text-zinc-500">default {JSON.stringify(s.default)}</span>
          )}
          {s.description && <p className="text-xs text-zinc-500">{s.description}</p>}
          {(s.properties || s.items?.properties) && depth < 3 && <SchemaFields schema={s} depth={depth + 1} />}
        </li>
      ))}
    </ul>
  );
}
