"use client";
import { useActionState, useEffect, useRef, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { Dialog } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { cn } from "@/components/ui/cn";
import { Field, FormError, inputClass } from "@/components/ui/field";
import { KEY_ACCESS_PRESETS, type KeyAccess } from "@/lib/auth/key-permissions";
import { MAX_RATE_BURST, MAX_RATE_PER_SECOND, PRESET_RATE_LIMITS, type KeyRateLimit } from "@/lib/auth/key-rate-limits";
import { LocalTime } from "@/components/ui/local-time";
import { Table, Td, Th } from "@/components/ui/table";

export type KeyRow = {
  id: string;
  name: string;
  prefix: string;
  /** What the key may call, in words ("Full access", "Send usage events only", …). */
  access: string;
  rateLimit: KeyRateLimit;
  /** The limit in words ("1,000/s, bursts of 2,000"). */
  rateLimitLabel: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};
type CreateState =
  | { ok: true; data: { key: string; name: string; id: string } }
  | { ok: false; error: string; fieldErrors?: Record<string, string> }
  | null;
type RevokeState = { ok: true; data: { id: string } } | { ok: false; error: string } | null;
type LimitState =
  { ok: true; data: { id: string } } | { ok: false; error: string; fieldErrors?: Record<string, string> } | null;

export function ApiKeysPanel({
  keys,
  canManage,
  scopeLabel,
  createAction,
  revokeAction,
  rateLimitAction,
}: {
  keys: KeyRow[];
  canManage: boolean;
  scopeLabel: string;
  createAction: (prev: CreateState, form: FormData) => Promise<CreateState>;
  revokeAction: (prev: RevokeState, form: FormData) => Promise<RevokeState>;
  rateLimitAction: (prev: LimitState, form: FormData) => Promise<LimitState>;
}) {
  const [created, create, creating] = useActionState(createAction, null);
  const [revoked, revoke, revoking] = useActionState(revokeAction, null);
  const [editing, setEditing] = useState<KeyRow | null>(null);
  const createErrors = created && !created.ok ? created.fieldErrors : undefined;
  const [copied, setCopied] = useState(false);
  const [confirming, setConfirming] = useState<KeyRow | null>(null);
  const [revokedName, setRevokedName] = useState<string | null>(null);
  const outcome = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (revoked) outcome.current?.focus();
  }, [revoked]);
  // The new key takes focus: it is what the person came for, and it is shown once.
  const createdBanner = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (created?.ok) createdBanner.current?.focus();
  }, [created]);
  // The new key's banner goes once that key is revoked: it no longer works.
  const createdKey =
    created?.ok &&
    !keys.some((k) => k.id === created.data.id && k.revokedAt) &&
    !(revoked?.ok && revoked.data.id === created.data.id)
      ? created.data
      : null;
  return (
    <div className="space-y-6">
      {canManage && (
        <Card>
          <CardHeader
            title={`Create a ${scopeLabel} key`}
            description="The key is shown once. Store it in your secret manager."
          />
          {/* Made anew after each key: the form's reset clears the access choice and its limit too. */}
          <form
            key={created?.ok ? created.data.id : "new"}
            action={create}
            className="flex flex-wrap items-end gap-3 px-5 py-4"
          >
            <Field
              label="Name"
              name="name"
              placeholder="e.g. Production ingest"
              required
              maxLength={100}
              className="min-w-64 flex-1"
              error={created && !created.ok ? created.fieldErrors?.name : undefined}
            />
            <AccessAndLimit errors={createErrors} />
            <Button type="submit" disabled={creating}>
              {creating ? "Creating…" : "Create key"}
            </Button>
          </form>
          {created && !created.ok && !created.fieldErrors && (
            <div className="px-5 pb-4">
              <FormError message={created.error} />
            </div>
          )}
          {createdKey && (
            <div
              ref={createdBanner}
              tabIndex={-1}
              className="mx-5 mb-4 rounded-lg bg-emerald-50 p-4 ring-1 ring-inset ring-emerald-200 outline-none"
              role="status"
            >
              <p className="text-sm font-medium text-emerald-900">
                Key “{createdKey.name}” created. Copy it now: it will not be shown again.
              </p>
              <div className="mt-2 flex items-center gap-2">
                <code
                  data-testid="new-api-key"
                  className="flex-1 overflow-x-auto rounded bg-white px-3 py-2 font-mono text-sm text-zinc-900 ring-1 ring-emerald-200"
                >
                  {createdKey.key}
                </code>
                <Button
                  type="button"
                  variant="secondary"
                  onClick={async () => {
                    await navigator.clipboard?.writeText(createdKey.key);
                    setCopied(true);
                  }}
                >
                  {copied ? "Copied" : "Copy"}
                </Button>
              </div>
            </div>
          )}
        </Card>
      )}
      <Card>
        <CardHeader
          title="Keys"
          description={
            canManage ? "Revoking a key stops it at once." : "Only the organization's owner can create or revoke keys."
          }
        />
        <div ref={outcome} tabIndex={-1} className="outline-none">
          {revoked && !revoked.ok && (
            <div className="px-5 pt-4">
              <FormError message={revoked.error} />
            </div>
          )}
          {revoked?.ok && (
            <p
              role="status"
              className="mx-5 mt-4 rounded-md bg-zinc-50 px-3 py-2 text-sm text-zinc-700 ring-1 ring-inset ring-zinc-200"
            >
              Key “{revokedName}” revoked: requests made with it are refused from now on.
            </p>
          )}
        </div>
        {confirming && (
          <Dialog title={`Revoke “${confirming.name}”?`} onClose={() => setConfirming(null)}>
            <p>
              Requests made with <code className="font-mono text-xs">{confirming.prefix}…</code> are refused at once.
              This cannot be undone: anything still using the key must switch to a new one.
            </p>
            <form
              action={revoke}
              onSubmit={() => {
                setRevokedName(confirming.name);
                setConfirming(null);
              }}
              className="mt-4 flex flex-wrap justify-end gap-2"
            >
              <input type="hidden" name="id" value={confirming.id} />
              <Button type="button" variant="secondary" onClick={() => setConfirming(null)}>
                Keep the key
              </Button>
              <Button type="submit" variant="danger">
                Revoke key
              </Button>
            </form>
          </Dialog>
        )}
        {editing && <RateLimitDialog row={editing} action={rateLimitAction} onClose={() => setEditing(null)} />}
        {keys.length === 0 ? (
          <EmptyState title="No keys yet">Create a key to send usage and spend credits from your backend.</EmptyState>
        ) : (
          <Table>
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Key</Th>
                <Th>Access</Th>
                <Th>Rate limit</Th>
                <Th>Created</Th>
                <Th>Last used</Th>
                <Th>Status</Th>
                {canManage && <Th />}
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {keys.map((k) => (
                <tr key={k.id}>
                  <Td wrap className="font-medium text-zinc-900">
                    {k.name}
                  </Td>
                  <Td className="font-mono text-xs">{k.prefix}…</Td>
                  <Td wrap>{k.access}</Td>
                  {/* Label and button stack: side by side they pushed the table past its card at 1,440 px. */}
                  <Td wrap>
                    <span className="block whitespace-nowrap">{k.rateLimitLabel}</span>
                    {canManage && !k.revokedAt && (
                      <Button
                        type="button"
                        variant="secondary"
                        size="sm"
                        className="mt-1"
                        aria-haspopup="dialog"
                        aria-label={`Change the rate limit of ${k.name}`}
                        onClick={() => setEditing(k)}
                      >
                        Change
                      </Button>
                    )}
                  </Td>
                  <Td>
                    <LocalTime value={k.createdAt} mode="date" />
                  </Td>
                  <Td>
                    {k.lastUsedAt ? (
                      <LocalTime value={k.lastUsedAt} mode="relative" />
                    ) : (
                      <span className="text-zinc-500">never</span>
                    )}
                  </Td>
                  <Td>{k.revokedAt ? <Badge tone="red">revoked</Badge> : <Badge tone="green">active</Badge>}</Td>
                  {canManage && (
                    <Td align="right">
                      {!k.revokedAt && (
                        <Button
                          type="button"
                          variant="danger"
                          size="sm"
                          disabled={revoking}
                          aria-haspopup="dialog"
                          aria-label={`Revoke ${k.name}`}
                          onClick={() => setConfirming(k)}
                        >
                          Revoke
                        </Button>
                      )}
                    </Td>
                  )}
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
    </div>
  );
}

/** The access preset and the limit, which follows the preset's default until the person changes it. */
function AccessAndLimit({ errors }: { errors?: Record<string, string> }) {
  const [access, setAccess] = useState<KeyAccess>("full");
  return (
    <>
      <div className="min-w-56">
        <label htmlFor="key-access" className="block text-sm font-medium text-zinc-700">
          Access
        </label>
        <select
          id="key-access"
          name="access"
          value={access}
          onChange={(e) => setAccess(e.target.value as KeyAccess)}
          className={cn(inputClass, "mt-1")}
        >
          {Object.entries(KEY_ACCESS_PRESETS).map(([value, p]) => (
            <option key={value} value={value}>
              {p.label}
            </option>
          ))}
        </select>
      </div>
      {/* Keyed on the preset: choosing another fills in its default limit. */}
      <RateLimitFields key={access} limit={PRESET_RATE_LIMITS[access]} errors={errors} idPrefix="new-key" />
    </>
  );
}

/** Requests a second and burst, as the create form and the change dialog ask for them. */
function RateLimitFields({
  limit,
  errors,
  idPrefix,
}: {
  limit: KeyRateLimit;
  errors?: Record<string, string>;
  idPrefix: string;
}) {
  return (
    <>
      <Field
        id={`${idPrefix}-per-second`}
        label="Requests / second"
        name="rate_limit_per_second"
        type="number"
        inputMode="numeric"
        min={1}
        max={MAX_RATE_PER_SECOND}
        step={1}
        required
        defaultValue={limit.perSecond}
        className="w-36"
        error={errors?.rate_limit_per_second}
      />
      <Field
        id={`${idPrefix}-burst`}
        label="Burst"
        name="rate_limit_burst"
        type="number"
        inputMode="numeric"
        min={1}
        max={MAX_RATE_BURST}
        step={1}
        required
        defaultValue={limit.burst}
        className="w-28"
        error={errors?.rate_limit_burst}
      />
    </>
  );
}

function RateLimitDialog({
  row,
  action,
  onClose,
}: {
  row: KeyRow;
  action: (prev: LimitState, form: FormData) => Promise<LimitState>;
  onClose: () => void;
}) {
  const [state, submit, saving] = useActionState(action, null);
  useEffect(() => {
    if (state?.ok) onClose();
  }, [state, onClose]);
  return (
    <Dialog title={`Rate limit of “${row.name}”`} onClose={onClose}>
      <p>
        Requests past the limit are answered 429 with <code className="font-mono text-xs">Retry-After</code>. The burst
        is how many may come at once after a quiet spell; the limit holds across every server within a second of saving.
      </p>
      <form action={submit} className="mt-4 space-y-4">
        <input type="hidden" name="id" value={row.id} />
        <div className="flex flex-wrap gap-3">
          <RateLimitFields
            limit={row.rateLimit}
            errors={state && !state.ok ? state.fieldErrors : undefined}
            idPrefix="edit-key"
          />
        </div>
        {state && !state.ok && !state.fieldErrors && <FormError message={state.error} />}
        <div className="flex flex-wrap justify-end gap-2">
          <Button type="button" variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" disabled={saving}>
            {saving ? "Saving…" : "Save limit"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
