// The schema is distributable by org_id (docs/scaling.md, lib/db/distribution.ts): read from the
// live catalog of the migrated database (PGlite and Postgres), every tenant table's primary and unique
// keys include org_id, and a foreign key into a tenant table carries org_id on both sides.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as sub from "@/app/api/v1/subscriptions/[id]/route";
import { db, rows } from "@/lib/db/client";
import { COORDINATOR_TABLES, REFERENCE_TABLES } from "@/lib/db/distribution";
import { documentNumbers, invoices } from "@/lib/db/schema";
import { issueInvoices } from "@/lib/invoices/issue-invoice";
import { subscribe } from "@/lib/subscriptions/subscribe";
import { call, customerKey, makeOrg, makePlan, platformKey, uid } from "./support/fixtures";

const NOT_DISTRIBUTED = new Set([...Object.keys(REFERENCE_TABLES), ...Object.keys(COORDINATOR_TABLES)]);

type Table = { name: string; has_org: boolean };
type Key = { table_name: string; key_name: string; primary: boolean; has_org: boolean };
type Fk = { table_name: string; fk_name: string; parent: string; org_paired: boolean };

const tables = () =>
  rows<Table>(sql`
    select c.relname as name,
           exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'org_id' and not a.attisdropped) as has_org
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
    order by 1`);

// Primary keys, unique constraints and unique indexes (partial ones included).
const uniqueKeys = () =>
  rows<Key>(sql`
    select c.relname as table_name, i.relname as key_name, x.indisprimary as primary,
           exists (select 1 from unnest(x.indkey::int2[]) k join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k
                   where a.attname = 'org_id') as has_org
    from pg_index x join pg_class c on c.oid = x.indrelid join pg_class i on i.oid = x.indexrelid
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and x.indisunique and not c.relispartition
    order by 1, 2`);

// Foreign keys, with whether org_id is a column of the key on both sides, in the same position.
const foreignKeys = () =>
  rows<Fk>(sql`
    select c.relname as table_name, con.conname as fk_name, p.relname as parent,
           coalesce(array_position(con.conkey, (select attnum from pg_attribute where attrelid = con.conrelid and attname = 'org_id'))
                    = array_position(con.confkey, (select attnum from pg_attribute where attrelid = con.confrelid and attname = 'org_id')),
                    false) as org_paired
    from pg_constraint con join pg_class c on c.oid = con.conrelid join pg_class p on p.oid = con.confrelid
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and con.contype = 'f' and not c.relispartition
    order by 1, 2`);

describe("tenant keys: the schema can be distributed by org_id", () => {
  it("places every table: a tenant table has org_id; every other table is named as a reference or coordinator table", async () => {
    const all = await tables();
    const names = new Set(all.map((t) => t.name));
    expect(
      [...NOT_DISTRIBUTED].filter((t) => !names.has(t)),
      "named tables that do not exist",
    ).toEqual([]);
    expect(
      all.filter((t) => !t.has_org && !NOT_DISTRIBUTED.has(t.name)).map((t) => t.name),
      "tables without org_id: add org_id, or name them in lib/db/distribution.ts",
    ).toEqual([]);
    expect(all.filter((t) => t.has_org && !NOT_DISTRIBUTED.has(t.name)).length).toBeGreaterThan(30);
  });

  it("keys every tenant table's primary key and unique keys with org_id", async () => {
    const tenant = new Set(
      (await tables()).filter((t) => t.has_org && !NOT_DISTRIBUTED.has(t.name)).map((t) => t.name),
    );
    const keys = (await uniqueKeys()).filter((k) => tenant.has(k.table_name));
    expect(keys.length).toBeGreaterThan(40);
    expect(keys.filter((k) => !k.has_org).map((k) => `${k.table_name}.${k.key_name}`)).toEqual([]);
  });

  it("makes every foreign key into a tenant table composite on org_id, and none from a reference or coordinator table", async () => {
    const tenant = new Set(
      (await tables()).filter((t) => t.has_org && !NOT_DISTRIBUTED.has(t.name)).map((t) => t.name),
    );
    const fks = (await foreignKeys()).filter((f) => tenant.has(f.parent));
    expect(fks.filter((f) => tenant.has(f.table_name)).length).toBeGreaterThan(10);
    expect(fks.filter((f) => !f.org_paired).map((f) => `${f.table_name}.${f.fk_name} -> ${f.parent}`)).toEqual([]);
    expect(
      fks.filter((f) => !tenant.has(f.table_name)).map((f) => `${f.table_name}.${f.fk_name} -> ${f.parent}`),
      "a reference or coordinator table cannot point into a distributed one",
    ).toEqual([]);
    // Citus: a distributed table may point at a reference table, not at a plain coordinator table.
    const all = await foreignKeys();
    expect(
      all
        .filter((f) => tenant.has(f.table_name) && f.parent in COORDINATOR_TABLES)
        .map((f) => `${f.table_name}.${f.fk_name} -> ${f.parent}`),
    ).toEqual([]);
  });

  it("refuses a child row whose org_id differs from its parent's, and takes it with the parent's", async () => {
    const a = await makeOrg();
    const b = await makeOrg();
    const s = await subscribe(a.id, { plan: { id: (await makePlan()).id }, actor: "test" });
    const billing = (orgId: string) =>
      db.execute(sql`insert into period_billings (id, org_id, subscription_id, period_start, period_end, currency, lines, total_cents)
                     values (${`pb_${uid()}`}, ${orgId}, ${s.id}, now(), now() + interval '1 month', 'usd', '[]', 0)`);
    await expect(billing(b.id)).rejects.toSatisfy((e: Error) =>
      /period_billings_subscription_fk/.test(String(e.cause)),
    );
    await expect(billing(a.id)).resolves.toBeDefined();
  });
});

describe("the seller's numbering series stays global", () => {
  it("numbers the invoices of different customers from one series, each number claimed once", async () => {
    const a = await makeOrg();
    const b = await makeOrg();
    const line = { kind: "other" as const, description: "Setup", quantity: "1", amountCents: 1000 };
    const issued = await db.transaction((tx) =>
      issueInvoices(
        tx,
        [a, b, a].map((o, n) => ({
          orgId: o.id,
          currency: "usd",
          lines: [line],
          sourceKey: `test:${uid()}:${n}`,
          issuedAt: new Date(),
          paid: false,
        })),
      ),
    );
    const numbers = issued.map((i) => i.invoice.number);
    expect(new Set(numbers).size).toBe(3);
    const digits = numbers.map((n) => Number(n.replace(/\D/g, "")));
    expect(digits[1]! - digits[0]!).toBe(1);
    expect(digits[2]! - digits[1]!).toBe(1);
    const claimed = await db
      .select()
      .from(documentNumbers)
      .where(sql`${documentNumbers.number} in ${numbers}`);
    expect(claimed.map((c) => [c.kind, c.number, c.orgId]).sort()).toEqual(
      issued.map((i) => ["invoice", i.invoice.number, i.invoice.orgId]).sort(),
    );
    // A number already issued to one customer cannot be issued to another, though invoices' own key is per org.
    await expect(
      db.execute(sql`insert into document_numbers (kind, number, org_id) values ('invoice', ${numbers[0]!}, ${b.id})`),
    ).rejects.toSatisfy((e: Error) => /duplicate key/.test(String(e.cause)));
    expect(await db.$count(invoices, sql`${invoices.number} = ${numbers[0]!}`)).toBe(1);
  });
});

describe("lookups by an id that is unique per customer", () => {
  it("finds a subscription by external id within its customer; an operator's ambiguous external id is a 409 naming the id", async () => {
    const a = await makeOrg();
    const b = await makeOrg();
    const plan = await makePlan();
    const ext = `sub-${uid()}`;
    const sa = await subscribe(a.id, { plan: { id: plan.id }, externalId: ext, actor: "test" });
    const sb = await subscribe(b.id, { plan: { id: plan.id }, externalId: ext, actor: "test" });
    const get = async (key: string, id: string) =>
      call<{ id: string }>(sub.GET, "GET", `/api/v1/subscriptions/${id}`, { key, params: { id } });
    expect((await get(await customerKey(a.id), ext)).json.id).toBe(sa.id);
    expect((await get(await customerKey(b.id), ext)).json.id).toBe(sb.id);
    const op = await platformKey();
    const ambiguous = await get(op, ext);
    expect(ambiguous.status).toBe(409);
    expect(JSON.stringify(ambiguous.json)).toContain("external_id");
    expect((await get(op, sb.id)).json.id).toBe(sb.id);
  });
});
