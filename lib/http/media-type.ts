// Content-Type as a media type (RFC 9110 §8.3.1): type "/" subtype, then parameters. A body is
// JSON when the type is application/json or an application/…+json structured suffix
// (application/merge-patch+json); a parameter such as `charset=json` says nothing of the type.

const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

export function isJsonMediaType(contentType: string): boolean {
  const semi = contentType.indexOf(";");
  const essence = (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  const slash = essence.indexOf("/");
  if (slash === -1) return false;
  const type = essence.slice(0, slash);
  const subtype = essence.slice(slash + 1);
  if (!TOKEN.test(type) || !TOKEN.test(subtype)) return false;
  return type === "application" && (subtype === "json" || (subtype.length > 5 && subtype.endsWith("+json")));
}
