// What an operator's log keeps of a failed statement: what failed, never the values it carried.
import { describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { createUser } from "@/lib/auth/users";
import { log } from "@/lib/log";
import { uid } from "./support/fixtures";
import { captureLog } from "./support/log";

describe("logged database errors", () => {
  it("carry no password hash when a user insert fails", async () => {
    const hash = await hashPassword(`pw-${uid()}`);
    const err = await createUser({
      email: `x-${uid()}@example.test`,
      name: "X",
      passwordHash: hash,
      role: "owner",
      orgId: `org_missing_${uid()}`,
    }).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(Error);
    // The error itself carries the hash (drizzle's message, the driver's params): what the log must drop.
    expect(`${err!.message} ${JSON.stringify(err)}`).toContain(hash);

    const lines = captureLog(() => log.error({ err, request_id: "req-1" }, "server action failed"));
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    const [, , , , salt, key] = hash.split("$");
    expect(line).not.toContain(hash);
    expect(line).not.toContain(salt!);
    expect(line).not.toContain(key!);
    const parsed = JSON.parse(line) as { err: { message: string; stack: string; type: string } };
    // What failed is still there: the statement (placeholders only) and the database's reason.
    expect(parsed.err.message).toMatch(/insert into "users"/);
    expect(parsed.err.message).toContain("params: [redacted]");
    expect(parsed.err.message).toMatch(/foreign key/);
    expect(parsed.err.stack).toContain("params: [redacted]");
  });

  it("carry no values when an error's message is logged as a string", () => {
    const lines = captureLog(() =>
      log.warn(
        { err: 'Failed query: update "users" set "password_hash" = $1\nparams: scrypt$1$2$3$salt$key' },
        "outbox job failed",
      ),
    );
    expect(lines[0]).not.toContain("salt$key");
    expect(lines[0]).toContain("params: [redacted]");
  });
});
