import Link from "next/link";
import { buttonClass } from "@/components/ui/button";

export default function NotFound() {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center px-4 text-center">
      <p className="text-sm font-semibold text-brand-600">404</p>
      <h1 className="mt-2 text-2xl font-semibold text-zinc-900">Page not found</h1>
      <p className="mt-2 text-sm text-zinc-500">The page may have moved, or the link is mistyped.</p>
      <Link href="/" className={`${buttonClass("primary")} mt-6`}>
        Go to the overview
      </Link>
    </main>
  );
}
