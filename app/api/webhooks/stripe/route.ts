import { AppError } from "@/lib/http/errors";
import { errorResponse, jsonResponse, rawRoute } from "@/lib/http/route";
import { log } from "@/lib/log";
import { receiveStripeEvent, verifyStripeEvent } from "@/lib/webhooks/receive";

/** Stripe's events are a few kilobytes; the body is refused (413) past this, before any of it is verified or kept. */
const WEBHOOK_MAX_BODY = 1024 * 1024;

/** Stripe's signed events: verify over the raw body, store once, process; 5xx makes Stripe retry. */
export const POST = rawRoute(async (req, requestId) => {
  try {
    const raw = await req.text(WEBHOOK_MAX_BODY);
    const event = verifyStripeEvent(raw, req.headers.get("stripe-signature"));
    const receipt = await receiveStripeEvent(event);
    return jsonResponse(receipt.body, receipt.status, { "x-request-id": requestId });
  } catch (e) {
    if (e instanceof AppError) return errorResponse(e, requestId);
    log.error({ request_id: requestId, err: e }, "webhook failed");
    return errorResponse(new AppError("internal_error", `Webhook processing failed (request ${requestId}).`), requestId);
  }
});
