import { handlers } from "@/lib/auth/config";
import { checkSignInAllowed, clientIp } from "@/lib/auth/throttle";
import { AppError } from "@/lib/http/errors";
import { errorResponse, requestIdOf } from "@/lib/http/route";

export const GET = handlers.GET;

function rateLimited(req: Request, retryAfterSeconds: number): Response {
  return errorResponse(
    new AppError(
      "rate_limited",
      `Too many failed sign-ins. Try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s).`,
      undefined,
      { "Retry-After": String(retryAfterSeconds) },
    ),
    requestIdOf(req),
  );
}

/**
 * Email + password sign-ins over HTTP are refused with 429 and Retry-After while the email or the
 * client's IP is locked out — before Auth.js when the lock is already there, and after it when
 * this very attempt was one past the limit (Auth.js then redirects with code=rate_limited).
 */
export async function POST(req: Request) {
  if (!new URL(req.url).pathname.endsWith("/callback/credentials"))
    return handlers.POST(req as Parameters<typeof handlers.POST>[0]);
  const form = await req
    .clone()
    .formData()
    .catch(() => null);
  const email = String(form?.get("email") ?? "");
  const ip = clientIp(req.headers);
  const before = await checkSignInAllowed(email, ip);
  if (!before.allowed) return rateLimited(req, before.retryAfterSeconds);
  const res = await handlers.POST(req as Parameters<typeof handlers.POST>[0]);
  const location = res.headers.get("location") ?? "";
  if (res.status >= 300 && res.status < 400 && /[?&]code=rate_limited(&|$)/.test(location)) {
    const after = await checkSignInAllowed(email, ip);
    return rateLimited(req, after.allowed ? 60 : after.retryAfterSeconds);
  }
  return res;
}
