// Next.js calls register() once when a server starts, before it serves a request.
export async function register() {
  // The build runs this file too; the database belongs to the running server only.
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  const { boot } = await import("./lib/boot");
  await boot();
}
