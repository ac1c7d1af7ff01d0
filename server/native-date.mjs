// Keeps the engine's own Date constructor before Next.js replaces the global one (it wraps Date to
// notice prerenders that read the clock). The wrapper constructs every Date through
// Reflect.construct(…, arguments): about 4 % of the server's time under bulk ingestion, where each
// event's timestamp becomes a Date. lib/native-date.ts hands this constructor to the hot paths.
// Imported first by server/serve.mjs, so it runs before Next.js is loaded.
globalThis.__tallyNativeDate ??= Date;
