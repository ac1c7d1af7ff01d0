// The one home of process state. The production server runs Next and the fast path
// (server/fast-routes.ts, bundled on its own into .next/fast-path.mjs) in one process, so lib/ is
// loaded twice: a module-level Map, counter or timer would exist once per bundle, and a gate or
// queue would quietly be two. Every cache, gate, queue and registry is obtained here instead,
// keyed on globalThis by a registered symbol that both bundles resolve to the same key.
// eslint.config.mjs forbids other module-level mutable state in lib/.

/** The process's one instance of `name`, made by `init` the first time any bundle asks for it. */
export function processState<T>(name: string, init: () => T): T {
  const store = globalThis as unknown as Record<symbol, T | undefined>;
  const key = Symbol.for(`tally.${name}`);
  return (store[key] ??= init());
}
