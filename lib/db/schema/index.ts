export * from "./orgs";
export * from "./auth";
export * from "./settings";
export * from "./catalog";
export * from "./subscriptions";
export * from "./idempotency";
export * from "./metering";
export * from "./alerts";
