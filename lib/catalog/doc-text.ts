// Text that several of this domain's API operations share in the OpenAPI document.

export const CATALOG_WRITE_ERRORS = {
  "400": "Invalid field (details name each one)",
  "401": "No credentials",
  "403": "Not an admin or platform key",
};
