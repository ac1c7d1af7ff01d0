// "sso, seats=3, support=false" → [{feature: "sso", value: true}, {feature: "seats", value: 3}, …]: the
// add-on form's one-line way of typing features (a bare key is true) and meter limits ("api_calls=1000").
// A value that is neither a number nor true/false is passed on as text for the schema to refuse.
export function parseGrantList<K extends string>(
  text: unknown,
  key: K,
): ({ [P in K]: string } & { value: boolean | number | string })[] {
  return String(text ?? "")
    .split(/[,\n]/)
    .map((x) => x.trim())
    .filter(Boolean)
    .map((part) => {
      const [name, raw] = part.split("=", 2).map((x) => x.trim());
      const value =
        raw === undefined || raw === "true"
          ? true
          : raw === "false"
            ? false
            : /^-?\d+(\.\d+)?$/.test(raw)
              ? Number(raw)
              : raw;
      return { [key]: name!, value } as { [P in K]: string } & { value: boolean | number | string };
    });
}

/** The inverse, to pre-fill a form from an add-on's terms. */
export const grantListText = (items: { key: string; value: boolean | number }[]) =>
  items.map((i) => (i.value === true ? i.key : `${i.key}=${String(i.value)}`)).join(", ");
