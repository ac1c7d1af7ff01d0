import { handlers } from "@/lib/auth/config";
import { checkSignInAllowed, clientIp } from "@/lib/auth/throttle";
import { AppError } from "@/lib/http/errors";
import { errorResponse, requestIdOf } from "@/lib/http/route";

export const GET = handlers.GET;

/**
 * Email + password sign-ins over HTTP are refused with 429 and Retry-After while the email or the
 * client's IP is locked out; everything else is Auth.js's own handling.
 */
export async function POST(req: Request) {
  if (new URL(req.url).pathname.endsWith("/callback/credentials")) {
    const form = await req.clone().formData().catch(() => null);
    const email = String(form?.get("email") ?? "");
    const verdict = await checkSignInAllowed(email, clientIp(req.headers));
    if (!verdict.allowed) {
      const retry = String(verdict.retryAfterSeconds);
      return errorResponse(
        new AppError("rate_limited", `Too many failed sign-ins. Try again in ${Math.ceil(verdict.retryAfterSeconds / 60)} minute(s).`, undefined, { "Retry-After": retry }),
        requestIdOf(req),
      );
    }
  }
  return handlers.POST(req as Parameters<typeof handlers.POST>[0]);
}
