// The engine's Date constructor, kept by server/native-date.mjs before Next.js wraps the global one;
// elsewhere (tests, scripts) the global. For dates made from a time in hot loops: the wrapper only
// watches `new Date()` and `Date.now()` (reading the clock), which these never are.
export const NativeDate: DateConstructor =
  // eslint-disable-next-line no-restricted-syntax -- kept by server/native-date.mjs before lib/ loads; read, never written here
  (globalThis as { __tallyNativeDate?: DateConstructor }).__tallyNativeDate ?? Date;
