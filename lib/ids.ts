// Object ids: a type prefix and a time-ordered random part (`org_01jd…`), so ids sort by creation,
// read well in logs and say what they name. 26 Crockford base32 characters, as a ULID.
import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

export type IdPrefix =
  | "org"
  | "usr"
  | "key"
  | "plan"
  | "chg"
  | "mtr"
  | "feat"
  | "cev"
  | "cpr"
  | "mpr"
  | "sub"
  | "sbh"
  | "agt"
  | "aph"
  | "call"
  | "evt"
  | "grt"
  | "led"
  | "imp"
  | "ims"
  | "rsv"
  | "inv"
  | "inl"
  | "pm"
  | "ch"
  | "whk"
  | "whe"
  | "whd"
  | "wha"
  | "msg"
  | "job"
  | "alr"
  | "cs"
  | "pay"
  | "pbl"
  | "cml"
  | "atu"
  | "thb"
  | "eml"
  | "pwr"
  | "ivt"
  | "cpn"
  | "promo"
  | "sdc"
  | "txr"
  | "cn"
  | "cnl"
  | "ovr"
  | "addon"
  | "sad"
  | "adc"
  | "ucr"
  | "idk";

export function newId(prefix: IdPrefix, now: number = Date.now()): string {
  let time = "";
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let rand = "";
  for (let i = 0; i < 16; i++) rand += ALPHABET[bytes[i]! % 32];
  return `${prefix}_${time}${rand}`;
}
