// The rating engine: pure functions from a plan's charges and a period's usage to exact amounts.
// No database, no clock; safe to use on the server and in the browser (e.g. a price preview).
export { rateCharge } from "./rate-charge";
export { ratePlan } from "./rate-plan";
export { RatingInputError } from "./rating-error";
export { ZLinePartJson, ZRatedLineJson } from "./line-schemas";
export {
  ZCharge,
  ZDecimal,
  ZFixedCharge,
  ZTier,
  ZTiers,
  ZUsageCharge,
  validateCharge,
  type ChargeInput,
  type ChargeIssue,
  type ParsedCharge,
} from "./validate-price-model";
export type {
  Charge,
  FixedCharge,
  LinePart,
  PriceModel,
  Quantity,
  RateOptions,
  RatedLine,
  RatedTotal,
  Tier,
  UsageCharge,
} from "./types";
