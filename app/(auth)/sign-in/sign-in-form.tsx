"use client";
import Link from "next/link";
import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { oauthSignInAction, signInAction } from "../actions";

export function SignInForm({
  callbackUrl,
  providers,
  initialError,
  notice,
}: {
  callbackUrl: string;
  providers: { id: string; name: string }[];
  initialError?: string;
  notice?: string;
}) {
  const [state, action, pending] = useActionState(signInAction, null);
  const error = state && !state.ok ? state.error : initialError;
  return (
    <div className="mt-6 space-y-4">
      <form action={action} className="space-y-4" noValidate>
        <input type="hidden" name="callbackUrl" value={callbackUrl} />
        <FormError message={error} />
        {!error && notice && (
          <p
            role="status"
            className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800 ring-1 ring-inset ring-emerald-200"
          >
            {notice}
          </p>
        )}
        <Field
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          required
          autoFocus
          defaultValue={state && !state.ok ? state.values?.email : undefined}
        />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required />
        <p className="-mt-2 text-right text-sm">
          <Link href="/forgot-password" className="font-medium text-brand-600 hover:text-brand-700">
            Forgot password?
          </Link>
        </p>
        <Button type="submit" className="w-full" disabled={pending}>
          {pending ? "Signing in…" : "Sign in"}
        </Button>
      </form>
      {providers.length > 0 && (
        <div className="space-y-2 border-t border-zinc-100 pt-4">
          {providers.map((p) => (
            <form key={p.id} action={oauthSignInAction}>
              <input type="hidden" name="provider" value={p.id} />
              <input type="hidden" name="callbackUrl" value={callbackUrl} />
              <Button type="submit" variant="secondary" className="w-full">
                Continue with {p.name}
              </Button>
            </form>
          ))}
        </div>
      )}
    </div>
  );
}
