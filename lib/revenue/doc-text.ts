// Text that several of this domain's API operations share in the OpenAPI document.

export const REVENUE_DEFINITIONS =
  "Definitions: docs/metrics.md. Amounts are integers in minor units of `currency`; rates are decimal strings with 4 places (0.0500 = 5 %).";

export const CSV_STREAM = "Streamed as text/csv in batches (never the whole table in memory), with a header row.";
