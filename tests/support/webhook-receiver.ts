// A webhook receiver on loopback for the outbound-webhook tests: records every request (headers and
// raw body) and answers as the test says (a status, or a delay past the sender's timeout).
import http from "node:http";
import type { AddressInfo } from "node:net";

export type Received = { headers: Record<string, string>; body: string; at: number };
/** What to answer the n-th request (0-based): a status, and optionally a delay in ms before it. */
export type Answer = (n: number, req: Received) => { status: number; delayMs?: number; body?: string };

export type Receiver = {
  url: string;
  received: Received[];
  answer: Answer;
  close(): Promise<void>;
};

export async function startReceiver(answer: Answer = () => ({ status: 200 })): Promise<Receiver> {
  const received: Received[] = [];
  const r: Receiver = { url: "", received, answer, close: async () => {} };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const rec: Received = {
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
        body: Buffer.concat(chunks).toString("utf8"),
        at: Date.now(),
      };
      const n = received.length;
      received.push(rec);
      const a = r.answer(n, rec);
      const reply = () => {
        if (res.destroyed) return;
        res.writeHead(a.status, { "content-type": "text/plain" });
        res.end(a.body ?? (a.status < 300 ? "ok" : "nope"));
      };
      if (a.delayMs) setTimeout(reply, a.delayMs).unref();
      else reply();
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  r.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return r;
}
