// The client's address for per-IP limits. The direct peer (the socket's address, which
// server/serve.mjs stamps on every request as `x-tally-peer`, overwriting anything a client sent)
// is the truth; X-Forwarded-For is read only when that peer is a proxy the operator listed in
// TRUSTED_PROXIES, and then from the right: the first hop that is not a trusted proxy is the client.
// Everything left of it was written by the client and proves nothing.
import { BlockList, isIP } from "node:net";

/** The header server/serve.mjs sets from the socket on every request it serves. */
export const PEER_HEADER = "x-tally-peer";

/** Set by server/serve.mjs: only then does PEER_HEADER come from the socket rather than from a client. */
// eslint-disable-next-line no-restricted-syntax -- a flag server/serve.mjs sets before lib/ loads; read, never written here
const peerStamped = () => (globalThis as { __tallyPeerStamped?: boolean }).__tallyPeerStamped === true;

export type TrustedProxies = { entries: string[]; list: BlockList };

/** `10.0.0.0/8, 192.168.1.5 ::1` → a list to check addresses against; throws on an entry that is neither an IP nor a CIDR. */
export function parseTrustedProxies(raw: string): TrustedProxies {
  const list = new BlockList();
  const entries = raw.split(/[\s,]+/).filter(Boolean);
  for (const entry of entries) {
    const [address = "", prefix, extra] = entry.split("/");
    const ip = normalizeIp(address);
    const family = isIP(ip);
    if (!family || extra !== undefined) throw new Error(`"${entry}" is not an IP address or a CIDR range`);
    const type = family === 4 ? "ipv4" : "ipv6";
    if (prefix === undefined) {
      list.addAddress(ip, type);
      continue;
    }
    const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
    if (!(bits >= 0 && bits <= (family === 4 ? 32 : 128))) throw new Error(`"${entry}" has an invalid prefix length`);
    list.addSubnet(ip, bits, type);
  }
  return { entries, list };
}

/** `::ffff:192.0.2.1` (an IPv4 client on a dual-stack socket) is 192.0.2.1; anything else as given. */
export function normalizeIp(address: string): string {
  const a = address.trim();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(a);
  return mapped ? mapped[1]! : a;
}

function isTrusted(address: string, trusted: TrustedProxies): boolean {
  const family = isIP(address);
  return family !== 0 && trusted.list.check(address, family === 4 ? "ipv4" : "ipv6");
}

/**
 * The client's address from the direct peer and the X-Forwarded-For it sent, or null when the
 * peer is unknown. A peer that is not trusted is the client, whatever its header says.
 */
export function resolveClientIp(
  peer: string | null | undefined,
  forwardedFor: string | null | undefined,
  trusted: TrustedProxies,
): string | null {
  const direct = peer ? normalizeIp(peer) : "";
  if (!isIP(direct)) return null;
  if (!isTrusted(direct, trusted) || !forwardedFor) return direct;
  // Right to left: each trusted proxy appended the address it received from.
  let nearest = direct;
  const hops = forwardedFor.split(",").map(normalizeIp);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    // Not an address: not written by a proxy that appends properly; the last address we can vouch for stands.
    if (!isIP(hop)) return nearest;
    if (!isTrusted(hop, trusted)) return hop;
    nearest = hop;
  }
  return nearest;
}

type HeaderReader = { get(name: string): string | null };

/**
 * The client's address for a request, or null when this process cannot know it (served by
 * `next dev` or `next start` rather than server/serve.mjs: no peer address reaches the handlers).
 */
export function clientIpOf(headers: HeaderReader, trusted: TrustedProxies): string | null {
  if (!peerStamped()) return null;
  return resolveClientIp(headers.get(PEER_HEADER), headers.get("x-forwarded-for"), trusted);
}
