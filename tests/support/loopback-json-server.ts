// A JSON API on loopback for tests that stand in for another service (FlexPrice, Lago): each request
// recorded, a handler that answers with `send(status, body)`, started on a free port.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type Send = (status: number, body: unknown) => void;

export abstract class LoopbackJsonServer {
  readonly requests: { path: string; query: URLSearchParams }[] = [];
  private server: Server | null = null;

  /** Answers one request (its URL parsed) through `send`. */
  protected abstract handle(req: IncomingMessage, url: URL, send: Send): void;

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://x");
      this.requests.push({ path: url.pathname, query: url.searchParams });
      this.handle(req, url, (status, body) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return this;
  }

  /** Lets the process exit while the server still listens (a world seeded once for many tests). */
  unref(): this {
    this.server?.unref();
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
