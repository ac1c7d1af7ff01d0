// The Postgres server integration tests may use. Refuses anything but this machine: the tests
// create and drop databases.
export function testPostgresUrl(): string | undefined {
  const raw = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (!raw) return undefined;
  const url = new URL(raw);
  if (!["localhost", "127.0.0.1", "::1", "[::1]", ""].includes(url.hostname)) {
    throw new Error(`Refusing to run tests against non-local database host ${url.hostname}.`);
  }
  return raw;
}

export function withDatabase(raw: string, database: string): string {
  const url = new URL(raw);
  url.pathname = `/${database}`;
  return url.toString();
}
