import { createPromotionCode, listPromotionCodes, promotionCodeJson } from "@/lib/coupons/coupons";
import { ZPromotionCodeCreate, ZPromotionCodeJson, ZPromotionCodePage } from "@/lib/coupons/schemas";
import { route } from "@/lib/http/route";
import { idempotentCall } from "@/lib/idempotency/idempotent";
import { IDEMPOTENCY_KEY_DOC } from "@/lib/idempotency/doc";

export const GET = route(
  {
    path: "/api/v1/promotion-codes",
    auth: "operator",
    doc: {
      response: ZPromotionCodePage,
      tag: "Coupons",
      summary: "List promotion codes, newest first, each with its coupon",
    },
  },
  async () => ({
    data: (await listPromotionCodes()).map((r) => promotionCodeJson(r.promo, r.coupon)),
    next_cursor: null,
  }),
);

export const POST = route(
  {
    path: "/api/v1/promotion-codes",
    auth: "operator",
    body: ZPromotionCodeCreate,
    idempotent: "optional-key",
    doc: {
      response: ZPromotionCodeJson,
      tag: "Coupons",
      summary: "Create a promotion code for a coupon",
      description:
        "A code customers type at checkout (`promotion_code` on POST /api/v1/billing/checkout) or with a plan change; matched case-insensitively. Its own expiry and redemption limit apply on top of the coupon's; `first_time_transaction` limits it to customers who never had a subscription. " +
        IDEMPOTENCY_KEY_DOC,
      responses: {
        "201": "Created",
        "400": "Invalid field (an unknown coupon_id)",
        "409": "Code exists, or the key was used with another body",
      },
    },
  },
  async ({ body, idempotencyKey: key }) =>
    idempotentCall(key ? { orgId: null, scope: "promotion_codes.create", key, request: body } : null, async () => {
      const r = await createPromotionCode(body);
      return { status: 201, body: promotionCodeJson(r.promo, r.coupon) };
    }),
);
