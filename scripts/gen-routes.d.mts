/** The generated route lists' paths and contents (scripts/gen-routes.mjs). */
export function routeLists(): Record<string, string>;
export function writeRouteLists(): void;
