// Row-level-security scopes in as few round trips as possible (docs/round-trips.md). A scope sets
// transaction-local settings (set_config(..., true): never a plain SET, which would leak through
// Neon's transaction-mode pooler) and runs the caller's drizzle statements under them. Rather than
// BEGIN, set_config and the first statement one round trip each, the scope's client sends them
// together as one statement batch (db/batch.ts), and statements issued in the same tick (e.g.
// Promise.all) share a batch too.
//
// Two modes:
//   "transaction"  BEGIN and the settings ride along with the first statement; COMMIT (or ROLLBACK)
//                  is a round trip of its own. A scope that sends nothing sends no BEGIN either.
//   "statements"   no explicit transaction: every batch starts with the settings and is its own
//                  implicit transaction (committed at its Sync), so there is no COMMIT to wait for.
//                  For reads: statements of one scope are not atomic together (under READ COMMITTED
//                  they never shared a snapshot anyway), and savepoints are refused by Postgres.
import type { PoolClient, QueryConfig } from "@neondatabase/serverless";
import { drizzle } from "drizzle-orm/neon-serverless";
import type { Db } from "./client.ts";
import { runBatch, type Statement } from "./batch.ts";

export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type ScopeMode = "transaction" | "statements";
export type Settings = Record<string, string>;

type Queued = { statement: Statement; resolve(result: unknown): void; reject(error: unknown): void };

// drizzle's own transaction statements (a nested transaction's savepoints are ordinary statements).
const TRANSACTION_CONTROL = /^\s*(begin\b[^;]*|commit|rollback)\s*$/i;

function settingStatements(settings: Settings): Statement[] {
  return Object.entries(settings).map(([name, value]) => ({
    config: { text: "select set_config($1, $2, true)" },
    values: [name, value],
  }));
}

/** A pg-style client for drizzle that batches as described above; one per scope. */
class ScopeClient {
  private queued: Queued[] = [];
  /** Statements still to be sent ahead of the next batch. */
  private prelude: Statement[] = [];
  private begun = false;

  private readonly connection: PoolClient;
  private readonly mode: ScopeMode;
  private readonly settings: Statement[];

  constructor(connection: PoolClient, mode: ScopeMode, settings: Statement[]) {
    this.connection = connection;
    this.mode = mode;
    this.settings = settings;
  }

  query(config: QueryConfig | string, values?: unknown[]): Promise<unknown> {
    const statement = { config: typeof config === "string" ? { text: config } : config, values };
    const control = TRANSACTION_CONTROL.exec(statement.config.text)?.[1].split(/\s/)[0].toLowerCase();
    if (control) return this.control(control, statement);
    return new Promise((resolve, reject) => {
      if (this.queued.length === 0) queueMicrotask(() => this.flush());
      this.queued.push({ statement, resolve, reject });
    });
  }

  /** drizzle's BEGIN / COMMIT / ROLLBACK, by mode. */
  private async control(command: string, statement: Statement): Promise<unknown> {
    const done = { command: command.toUpperCase(), rowCount: null, rows: [], fields: [] };
    if (this.mode === "statements") return done;
    if (command === "begin") {
      this.prelude = [statement, ...this.settings];
      return done;
    }
    // Nothing was sent: there is no transaction to end.
    if (!this.begun) return done;
    this.begun = false;
    return (await runBatch(this.connection, [statement]))[0];
  }

  private flush(): void {
    const batch = this.queued.splice(0);
    const prelude = this.mode === "statements" ? this.settings : this.prelude;
    if (this.mode === "transaction" && prelude.length > 0) this.begun = true;
    this.prelude = [];
    runBatch(this.connection, [...prelude, ...batch.map((queued) => queued.statement)]).then(
      (results) => batch.forEach((queued, i) => queued.resolve(results[prelude.length + i])),
      (error) => batch.forEach((queued) => queued.reject(error)),
    );
  }
}

/** Runs `work` with the settings in force, on one connection of the request's pool. */
export async function withScope<T>(
  db: Db,
  settings: Settings,
  mode: ScopeMode,
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  const pool = (db as Db & { $client: { connect(): Promise<PoolClient> } }).$client;
  const connection = await pool.connect();
  try {
    const client = new ScopeClient(connection, mode, settingStatements(settings));
    return await drizzle({ client: client as never }).transaction(work);
  } finally {
    connection.release();
  }
}

/**
 * Independent statements in one round trip: what `work` issues together (Promise.all) is sent as
 * one batch, and is all or nothing. No settings: for tables outside row-level security.
 */
export function inOneRoundTrip<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  return withScope(db, {}, "statements", work);
}
