// Stamps every page response with a request id (API routes set their own in lib/http/route.ts), and
// refuses a malformed Next-Router-State-Tree header with a 400: Next parses that header while
// rendering and answers a 500 when it cannot (it is sent by Next's own client on navigations, so
// only a hand-made request carries a bad one).
// Not a security boundary: pages, route handlers and actions check the session themselves.
import { NextResponse, type NextRequest } from "next/server";
import { parseAndValidateFlightRouterState } from "next/dist/server/app-render/parse-and-validate-flight-router-state";

const ROUTER_STATE_HEADER = "next-router-state-tree";

export function proxy(req: NextRequest) {
  const incoming = req.headers.get("x-request-id");
  const id = incoming && /^[\w.-]{1,64}$/.test(incoming) ? incoming : crypto.randomUUID();
  const state = req.headers.get(ROUTER_STATE_HEADER);
  if (state !== null && !validRouterState(state)) {
    return NextResponse.json(
      { error: { code: "bad_request", message: `The ${ROUTER_STATE_HEADER} header is malformed (Next.js's client sends it; leave it out of hand-made requests).`, request_id: id } },
      { status: 400, headers: { "x-request-id": id } },
    );
  }
  const headers = new Headers(req.headers);
  headers.set("x-request-id", id);
  const res = NextResponse.next({ request: { headers } });
  res.headers.set("x-request-id", id);
  return res;
}

/** Next's own check, the one that would otherwise throw mid-render. */
function validRouterState(header: string): boolean {
  try {
    parseAndValidateFlightRouterState(header);
    return true;
  } catch {
    return false;
  }
}

export const config = {
  matcher: ["/((?!api/|_next/static|_next/image|icon.svg|favicon.ico).*)"],
};
