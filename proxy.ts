// Stamps every page response with a request id (API routes set their own in lib/http/route.ts).
// Not a security boundary: pages, route handlers and actions check the session themselves.
import { NextResponse, type NextRequest } from "next/server";

export function proxy(req: NextRequest) {
  const incoming = req.headers.get("x-request-id");
  const id = incoming && /^[\w.-]{1,64}$/.test(incoming) ? incoming : crypto.randomUUID();
  const headers = new Headers(req.headers);
  headers.set("x-request-id", id);
  const res = NextResponse.next({ request: { headers } });
  res.headers.set("x-request-id", id);
  return res;
}

export const config = {
  matcher: ["/((?!api/|_next/static|_next/image|icon.svg|favicon.ico).*)"],
};
