// The text a PDF drawn by pdf-lib shows (standard fonts: hex strings shown with Tj in deflated
// content streams), one string a Tj, in drawing order — enough to read what an invoice prints.
import { inflateSync } from "node:zlib";

export function pdfText(pdf: Uint8Array): string[] {
  const raw = Buffer.from(pdf).toString("latin1");
  const out: string[] = [];
  // pdf-lib writes "stream\n<data>\nendstream": only that "\n" is the frame. A deflated stream may end in
  // a "\r" byte (about one in 256), which an optional "\r?" before "\nendstream" would cut from the
  // data, and the page's text would then read as nothing.
  for (const m of raw.matchAll(/stream\r?\n([\s\S]*?)\nendstream/g)) {
    let content: string;
    try {
      content = inflateSync(Buffer.from(m[1]!, "latin1")).toString("latin1");
    } catch {
      content = m[1]!;
    }
    for (const t of content.matchAll(/<([0-9A-Fa-f]*)>\s*Tj/g)) out.push(Buffer.from(t[1]!, "hex").toString("latin1"));
  }
  return out;
}
