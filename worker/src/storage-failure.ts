// Which failures mean "the database is unavailable: retry later" (503, OTLP-retryable) and which
// are bugs or data the database refused (500: never retryable, or an exporter would resend the
// same batch forever). Decided from the error itself, never from its message text.

/** SQLSTATE classes that a retry can outlive: connection, resources, shutdown, conflicts. */
const TRANSIENT_SQLSTATE = /^(08|53|57P0[1-3]|40001|40P01)/;
const SQLSTATE = /^[0-9A-Z]{5}$/;
/** Thrown by code, never by a connection: these are always bugs. */
const PROGRAMMING_ERRORS = [TypeError, RangeError, ReferenceError, SyntaxError];

/**
 * True when `error` (a failure of a database call) means the database could not be reached or
 * could not run the statement for a transient reason. A Postgres error carries a SQLSTATE (on it
 * or on a cause: drizzle wraps driver errors); a failure without one is the connection's, unless
 * it is a JavaScript programming error.
 */
export function isStorageUnavailable(error: unknown): boolean {
  if (error instanceof ReportedStorageFailure) return error.unavailable;
  const sqlState = sqlStateOf(error);
  if (sqlState) return TRANSIENT_SQLSTATE.test(sqlState);
  return !causesOf(error).some((link) => PROGRAMMING_ERRORS.some((type) => link instanceof type));
}

/** The first SQLSTATE on the error or its causes (drizzle wraps driver errors); undefined if none. */
export function sqlStateOf(error: unknown): string | undefined {
  return causesOf(error)
    .map(ownSqlStateOf)
    .find((state) => state !== null);
}

function causesOf(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let link = error; link !== undefined && link !== null && chain.length < 10;) {
    chain.push(link);
    link = (link as { cause?: unknown }).cause;
  }
  return chain;
}

function ownSqlStateOf(link: unknown): string | null {
  const code = (link as { code?: unknown } | null)?.code;
  return typeof code === "string" && SQLSTATE.test(code) ? code : null;
}

/**
 * A database failure classified where it happened (in a Durable Object) and reported to the
 * request across RPC, which would keep only an error's message, not its SQLSTATE or its causes.
 * `description` is describeError's: no data in it.
 */
export class ReportedStorageFailure extends Error {
  override name = "ReportedStorageFailure";
  constructor(
    readonly description: string,
    readonly unavailable: boolean,
  ) {
    super(description);
  }
}
