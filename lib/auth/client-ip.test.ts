import { describe, expect, it } from "vitest";
import { clientIpOf, parseTrustedProxies, resolveClientIp } from "./client-ip";

const proxies = parseTrustedProxies("10.0.0.0/8, 192.168.1.5 ::1 fd00::/8");
const none = parseTrustedProxies("");

describe("the client's address", () => {
  it.each([
    // [peer, X-Forwarded-For, trusted, client]
    ["203.0.113.9", null, none, "203.0.113.9"],
    ["203.0.113.9", "1.2.3.4", none, "203.0.113.9"], // a forged header from an untrusted peer changes nothing
    ["203.0.113.9", "1.2.3.4", proxies, "203.0.113.9"], // the peer is not one of our proxies
    ["::ffff:203.0.113.9", "1.2.3.4", none, "203.0.113.9"], // IPv4 on a dual-stack socket
    ["10.1.2.3", "198.51.100.7", proxies, "198.51.100.7"], // one trusted proxy
    ["10.1.2.3", "6.6.6.6, 198.51.100.7", proxies, "198.51.100.7"], // the client's own prefix is ignored
    ["10.1.2.3", "6.6.6.6, 198.51.100.7, 192.168.1.5", proxies, "198.51.100.7"], // two trusted proxies
    ["::1", "2001:db8::1", proxies, "2001:db8::1"],
    ["10.1.2.3", "10.9.9.9, 10.8.8.8", proxies, "10.9.9.9"], // every hop trusted: the farthest
    ["10.1.2.3", "not-an-ip, 10.8.8.8", proxies, "10.8.8.8"], // garbage ends the walk at the last address vouched for
    ["10.1.2.3", "", proxies, "10.1.2.3"],
  ])("peer %s with X-Forwarded-For %s is %s", (peer, xff, trusted, expected) => {
    expect(resolveClientIp(peer, xff, trusted)).toBe(expected);
  });

  it("is unknown without a peer address", () => {
    expect(resolveClientIp(null, "1.2.3.4", proxies)).toBeNull();
    expect(resolveClientIp("", "1.2.3.4", proxies)).toBeNull();
  });

  it("believes the peer header only when the server stamped it (server/serve.mjs), never when a client could have sent it", () => {
    const headers = new Headers({ "x-tally-peer": "203.0.113.9", "x-forwarded-for": "1.2.3.4" });
    const g = globalThis as { __tallyPeerStamped?: boolean };
    const before = g.__tallyPeerStamped;
    try {
      delete g.__tallyPeerStamped;
      expect(clientIpOf(headers, none)).toBeNull();
      g.__tallyPeerStamped = true;
      expect(clientIpOf(headers, none)).toBe("203.0.113.9");
    } finally {
      g.__tallyPeerStamped = before;
    }
  });

  it.each(["10.0.0.0/33", "300.1.1.1", "example.com", "10.0.0.1/8/1", "::1/129", "10.0.0.0/x"])(
    "refuses %s as a trusted proxy",
    (entry) => {
      expect(() => parseTrustedProxies(entry)).toThrow(entry);
    },
  );
});
