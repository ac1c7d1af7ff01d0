import { couponJson, createCoupon, listCoupons } from "@/lib/coupons/coupons";
import { ZCouponCreate, ZCouponJson, ZCouponPage } from "@/lib/coupons/schemas";
import { route } from "@/lib/http/route";
import { idempotentCall } from "@/lib/idempotency/idempotent";
import { IDEMPOTENCY_KEY_DOC } from "@/lib/idempotency/doc";

export const GET = route(
  {
    path: "/api/v1/coupons",
    auth: "operator",
    doc: { response: ZCouponPage, tag: "Coupons", summary: "List coupons, newest first, with their redemption counts" },
  },
  async () => ({ data: (await listCoupons()).map(couponJson), next_cursor: null }),
);

export const POST = route(
  {
    path: "/api/v1/coupons",
    auth: "operator",
    body: ZCouponCreate,
    idempotent: "optional-key",
    doc: {
      response: ZCouponJson,
      tag: "Coupons",
      summary: "Create a coupon",
      description:
        "Percent off (`percent_off`, an exact decimal) or an amount off (`amount_off_cents` with `currency`); `duration` once, repeating (`duration_in_months`) or forever, counted in billing periods from the first fee it reduces; `applies_to` plan (the plan fee) or all (usage lines too); optionally limited to `plan_codes`, a number of redemptions and a `redeem_by` time. " +
        IDEMPOTENCY_KEY_DOC,
      responses: {
        "201": "Created",
        "400": "Invalid field",
        "409": "Code exists, or the key was used with another body",
      },
    },
  },
  async ({ body, idempotencyKey: key }) =>
    idempotentCall(key ? { orgId: null, scope: "coupons.create", key, request: body } : null, async () => ({
      status: 201,
      body: couponJson(await createCoupon(body)),
    })),
);
