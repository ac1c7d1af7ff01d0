import { promotionCodeJson, setPromotionCodeActive } from "@/lib/coupons/coupons";
import { ZPromotionCodeJson, ZPromotionCodePatch } from "@/lib/coupons/schemas";
import { route } from "@/lib/http/route";
import { ZIdParams } from "@/lib/http/schemas";

export const PATCH = route(
  {
    path: "/api/v1/promotion-codes/{id}",
    auth: "operator",
    params: ZIdParams,
    body: ZPromotionCodePatch,
    doc: {
      response: ZPromotionCodeJson,
      tag: "Coupons",
      summary: "Deactivate (or reactivate) a promotion code",
      description:
        "An inactive code is refused at checkout and with a plan change (400 naming promotion_code); discounts it already gave stay. On Stripe, Stripe's promotion code is changed too. Setting the state the code already has changes nothing.",
      responses: { "200": "OK", "400": "Invalid field", "404": "Not found", "503": "Stripe unavailable" },
    },
  },
  async ({ params, body }) => {
    const r = await setPromotionCodeActive(params.id, body.active);
    return promotionCodeJson(r.promo, r.coupon);
  },
);
