import Link from "next/link";
import { Logo } from "./logo";
import { NavLinks, type NavItem } from "./nav-links";

/** The frame of every signed-in page: navigation that fits the role, who is signed in, sign-out. */
export function AppShell({
  nav,
  home,
  context,
  user,
  signOut,
  children,
}: {
  nav: NavItem[];
  home: string;
  context: React.ReactNode;
  user: { name: string; email: string; role: string };
  signOut: () => Promise<void>;
  children: React.ReactNode;
}) {
  return (
    <div className="min-h-screen md:flex">
      <aside className="border-b border-zinc-200 bg-white md:sticky md:top-0 md:flex md:h-screen md:w-60 md:flex-col md:border-b-0 md:border-r">
        <div className="flex items-center justify-between px-4 py-4 md:block">
          <Link href={home} className="flex items-center gap-2 font-semibold text-zinc-900">
            <Logo size={24} />
            Tally
          </Link>
          <div className="mt-0 text-xs text-zinc-500 md:mt-3">{context}</div>
        </div>
        <div className="px-2 pb-2 md:flex-1">
          <NavLinks items={nav} />
        </div>
        <div className="hidden border-t border-zinc-100 px-4 py-4 md:block">
          <p className="truncate text-sm font-medium text-zinc-900">{user.name}</p>
          <p className="truncate text-xs text-zinc-500">
            {user.email} · {user.role}
          </p>
          <form action={signOut} className="mt-3">
            <button type="submit" className="text-sm font-medium text-zinc-600 hover:text-zinc-900">
              Sign out
            </button>
          </form>
        </div>
      </aside>
      <main className="min-w-0 flex-1 px-4 py-8 md:px-10">
        <div className="mx-auto max-w-6xl">{children}</div>
        <form action={signOut} className="mt-10 md:hidden">
          <button type="submit" className="text-sm font-medium text-zinc-600">
            Sign out ({user.email})
          </button>
        </form>
      </main>
    </div>
  );
}
