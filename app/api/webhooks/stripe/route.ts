import { AppError } from "@/lib/http/errors";
import { errorResponse, jsonResponse, requestIdOf } from "@/lib/http/route";
import { log } from "@/lib/log";
import { receiveStripeEvent, verifyStripeEvent } from "@/lib/webhooks/receive";

/** Stripe's signed events: verify over the raw body, store once, process; 5xx makes Stripe retry. */
export async function POST(req: Request) {
  const requestId = requestIdOf(req);
  try {
    const raw = await req.text();
    const event = verifyStripeEvent(raw, req.headers.get("stripe-signature"));
    const receipt = await receiveStripeEvent(event);
    return jsonResponse(receipt.body, receipt.status, { "x-request-id": requestId });
  } catch (e) {
    if (e instanceof AppError) return errorResponse(e, requestId);
    log.error({ request_id: requestId, err: e }, "webhook failed");
    return errorResponse(new AppError("internal_error", `Webhook processing failed (request ${requestId}).`), requestId);
  }
}
