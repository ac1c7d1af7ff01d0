// Ids for a batch of stored events, in the same form as lib/ids.ts newId("evt") (a time part and
// 16 random base32 characters), drawing the randomness for the whole batch in one call: one
// crypto call per event was a measurable share of bulk ingestion.
import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const CODES = Buffer.from(ALPHABET, "latin1");

export function eventIds(count: number, now = Date.now()): { next: () => string } {
  let time = "";
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const prefix = `evt_${time}`;
  const bytes = randomBytes(Math.max(1, count) * 16);
  let offset = 0;
  const out = Buffer.alloc(16);
  return {
    next() {
      if (offset + 16 > bytes.length) return `${prefix}${randomBytes(16).reduce((s, b) => s + ALPHABET[b % 32], "")}`;
      for (let i = 0; i < 16; i++) out[i] = CODES[bytes[offset + i]! & 31]!;
      offset += 16;
      return prefix + out.toString("latin1");
    },
  };
}
