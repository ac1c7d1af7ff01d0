import { describe, expect, it } from "vitest";
import { decideProviderSignIn, primaryGitHubEmail, providerIdentity } from "./provider-identity";

const verified = { email: "ada@example.test", emailVerified: true, name: "Ada" };
const unverified = { ...verified, emailVerified: false };

describe("linking a GitHub or Google sign-in to a Tally user", () => {
  it.each([
    ["a verified email with no account creates one", verified, null, { action: "create" }],
    [
      "a verified email links to its owner",
      verified,
      { id: "usr_1", role: "owner" as const },
      { action: "link", userId: "usr_1" },
    ],
    [
      "a verified email links to its member",
      verified,
      { id: "usr_2", role: "member" as const },
      { action: "link", userId: "usr_2" },
    ],
    [
      "an unverified email never links",
      unverified,
      { id: "usr_1", role: "owner" as const },
      { action: "refuse", reason: "unverified_email" },
    ],
    [
      "an unverified email never creates an account either",
      unverified,
      null,
      { action: "refuse", reason: "unverified_email" },
    ],
    [
      "an operator account is never reached, verified or not",
      verified,
      { id: "usr_0", role: "admin" as const },
      { action: "refuse", reason: "operator_account" },
    ],
    [
      "a removed member's kept account does not sign in through a provider either",
      verified,
      { id: "usr_2", role: "member" as const, disabledAt: new Date("2026-01-01T00:00:00Z") },
      { action: "refuse", reason: "account_disabled" },
    ],
    ["no email is refused", { ...verified, email: null }, null, { action: "refuse", reason: "no_email" }],
  ])("%s", (_name, identity, existing, expected) => {
    expect(decideProviderSignIn(identity, existing)).toEqual(expected);
  });

  it("reads Google's email_verified claim, and nothing else, as verification", () => {
    expect(providerIdentity({ email: "a@x.test", email_verified: true, name: "A" }, null)).toEqual({
      email: "a@x.test",
      emailVerified: true,
      name: "A",
    });
    expect(providerIdentity({ email: "a@x.test", email_verified: false }, "Fallback").emailVerified).toBe(false);
    expect(providerIdentity({ email: "a@x.test" }, null).emailVerified).toBe(false);
    expect(providerIdentity({ email: "a@x.test", email_verified: "yes" }, null).emailVerified).toBe(false);
    expect(providerIdentity(undefined, "N")).toEqual({ email: null, emailVerified: false, name: "N" });
  });

  it("takes GitHub's primary address and its verified flag, never another address", () => {
    const emails = [
      { email: "other@x.test", primary: false, verified: true },
      { email: "main@x.test", primary: true, verified: false },
    ];
    expect(primaryGitHubEmail(emails)).toEqual({ email: "main@x.test", verified: false });
    expect(primaryGitHubEmail([{ email: "main@x.test", primary: true, verified: true }])).toEqual({
      email: "main@x.test",
      verified: true,
    });
    expect(primaryGitHubEmail([{ email: "only@x.test", primary: false, verified: true }])).toBeNull();
    expect(primaryGitHubEmail({ message: "Bad credentials" })).toBeNull();
  });
});
