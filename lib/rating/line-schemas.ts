// A rated line as the API answers it (call costs, the usage summary): the zod shape whose inferred
// types are the rating engine's LinePart and RatedLine (./types.ts).
import { z } from "zod";

export const ZLinePartJson = z.strictObject({
  description: z.string(),
  quantity: z.string(),
  unit_price: z.string().optional(),
  amount: z.string(),
});

export const ZRatedLineJson = z.strictObject({
  type: z.enum(["usage", "fixed"]),
  name: z.string(),
  meter: z.string().optional(),
  quantity: z.string(),
  /** Quantity after the included units were taken off. */
  billable_quantity: z.string(),
  /** Exact, unrounded. */
  amount: z.string(),
  parts: z.array(ZLinePartJson),
  /** Set when some usage had no price (e.g. a group value missing from the table). Never silently $0. */
  unpriced: z.array(z.strictObject({ reason: z.string(), quantity: z.string() })).optional(),
});
