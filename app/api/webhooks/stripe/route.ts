import { AppError } from "@/lib/http/errors";
import { errorResponse, jsonResponse, rawRoute } from "@/lib/http/route";
import { log } from "@/lib/log";
import { receiveStripeEvent, verifyStripeEvent } from "@/lib/webhooks/receive";

/** Stripe's events are a few kilobytes; the body is refused (413) past this, before any of it is verified or kept. */
const WEBHOOK_MAX_BODY = 1024 * 1024;

/** Stripe's signed events: verify over the raw body, store once, process; 5xx makes Stripe retry. */
export const POST = rawRoute(
  {
    path: "/api/webhooks/stripe",
    auth: "public",
    fast: true,
    doc: {
      tag: "Operations",
      summary: "Stripe's signed webhook events",
      description:
        "Verified with STRIPE_WEBHOOK_SECRET over the raw body, read up to 1 MB (signature timestamp within 5 minutes of the server's clock, either way); the envelope (id, type, created, data.object) validated; stored once by event id; duplicates acknowledged. With STRIPE_SECRET_KEY every object is re-read from Stripe before it is applied; an event whose object Stripe does not have, or whose payment does not match the credit pack's price, is refused (200, logged as ignored with the reason). Without STRIPE_SECRET_KEY nothing can be re-read, so every handled event is refused that way (outcome refused_unverifiable).",
      responses: {
        "200": "Received, duplicate, or refused (see outcome)",
        "400": "Bad, missing, stale or future-dated signature, or a malformed event",
        "413": "Body over 1 MB",
        "500": "Processing failed (or Stripe could not be read); Stripe retries",
        "503":
          "Webhooks not configured, or the database (or Stripe's re-read) did not finish within 6 s (Retry-After); Stripe retries, and the event is applied once",
      },
    },
  },
  async (req, requestId) => {
    try {
      const raw = await req.text(WEBHOOK_MAX_BODY);
      const event = verifyStripeEvent(raw, req.headers.get("stripe-signature"));
      const receipt = await receiveStripeEvent(event);
      return jsonResponse(receipt.body, receipt.status, { "x-request-id": requestId });
    } catch (e) {
      if (e instanceof AppError) return errorResponse(e, requestId);
      log.error({ request_id: requestId, err: e }, "webhook failed");
      return errorResponse(
        new AppError("internal_error", `Webhook processing failed (request ${requestId}).`),
        requestId,
      );
    }
  },
);
