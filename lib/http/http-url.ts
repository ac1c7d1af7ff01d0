// An absolute http(s) URL someone gave Tally to call (a webhook endpoint, an import source): parsed,
// http or https only, no credentials in it — each refusal a 400 naming the field.
import { invalidField } from "./errors";

export function httpUrl(raw: string, field: string, credentialsHint?: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw invalidField(field, "must be an absolute http or https URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw invalidField(field, "must be an http or https URL");
  if (url.username || url.password)
    throw invalidField(
      field,
      credentialsHint ? `must not carry credentials; ${credentialsHint}` : "must not carry credentials",
    );
  return url;
}
