import Link from "next/link";
import { buttonClass } from "@/components/ui/button";

export default function Forbidden() {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center px-4 text-center">
      <p className="text-sm font-semibold text-brand-600">403</p>
      <h1 className="mt-2 text-2xl font-semibold text-zinc-900">You don’t have access to this page</h1>
      <p className="mt-2 max-w-md text-sm text-zinc-500">
        This area is for platform administrators. If you think you should see it, ask an administrator of this Tally
        installation.
      </p>
      <Link href="/" className={`${buttonClass("primary")} mt-6`}>
        Back to your overview
      </Link>
    </main>
  );
}
