// Statement batches: several statements written to the connection at once and answered together,
// so they cost one round trip instead of one each. A batch is the extended-protocol messages of
// every statement followed by ONE Sync, which is how Postgres defines a pipeline: the statements
// run in order, as one implicit transaction (inside an explicit one they simply run in it), and
// after an error the server skips the rest up to the Sync. A batch is therefore all or nothing:
// when any statement fails, every statement of the batch rejects with that error.
//
// Built on the driver's own pieces (node-postgres, which @neondatabase/serverless embeds): each
// statement is the driver's Query (parameter encoding, type parsing, row modes exactly as for a
// single query) and the batch is a "submittable", the extension point node-postgres offers for
// custom protocol flows (its cursors use it). Nothing here is Neon-specific or local-only.
import { Client, type PoolClient, type QueryArrayConfig, type QueryConfig } from "@neondatabase/serverless";

/** What the driver's Query exposes to a submittable (node-postgres lib/query.js). */
type DriverQuery = {
  portal?: string;
  prepare(connection: unknown): void;
  _getRows(connection: unknown, rows?: number): void;
  handleRowDescription(message: unknown): void;
  handleDataRow(message: unknown): void;
  handleCommandComplete(message: unknown, connection: unknown): void;
  handleError(error: Error, connection: unknown): void;
  handleReadyForQuery(connection: unknown): void;
};
type QueryClass = new (config: QueryConfig, values: unknown[] | undefined, callback: Callback) => DriverQuery;
type Callback = (error: Error | null, result?: unknown) => void;

// node-postgres publishes its Query class as Client.Query.
const Query = (Client as unknown as { Query: QueryClass }).Query;

export type Statement = { config: QueryConfig | QueryArrayConfig; values?: unknown[] };

/** Runs the statements as one batch (one round trip); resolves with each statement's result. */
export function runBatch(client: Pick<PoolClient, "query">, statements: Statement[]): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const results: unknown[] = [];
    let failure: Error | null = null;
    let pending = statements.length;
    const queries = statements.map(
      ({ config, values }, index) =>
        new Query(config, values, (error, result) => {
          failure ??= error;
          results[index] = result;
          if (--pending > 0) return;
          if (failure) reject(failure);
          else resolve(results);
        }),
    );
    void client.query(new StatementBatch(queries) as never);
  });
}

class StatementBatch {
  /** The statement whose answer is arriving now. */
  private current = 0;
  private failure: Error | null = null;
  private finished = false;

  private readonly queries: DriverQuery[];

  constructor(queries: DriverQuery[]) {
    this.queries = queries;
  }

  submit(connection: unknown): void {
    for (const query of this.queries) {
      // Query.prepare writes Parse, Bind, Describe, Execute and then a Sync of its own; the batch
      // writes the one Sync after the last statement instead.
      query._getRows = (conn, rows) =>
        (conn as { execute(options: object): void }).execute({ portal: query.portal, rows });
      query.prepare(connection);
    }
    (connection as { sync(): void }).sync();
  }

  handleRowDescription(message: unknown): void {
    this.queries[this.current]?.handleRowDescription(message);
  }

  handleDataRow(message: unknown): void {
    this.queries[this.current]?.handleDataRow(message);
  }

  handleCommandComplete(message: unknown, connection: unknown): void {
    this.queries[this.current++]?.handleCommandComplete(message, connection);
  }

  handleEmptyQuery(): void {
    this.current++;
  }

  handlePortalSuspended(): void {
    // Never sent: every statement is executed without a row limit.
  }

  handleCopyInResponse(connection: { sendCopyFail(message: string): void }): void {
    connection.sendCopyFail("COPY is not supported in a statement batch");
  }

  handleCopyData(): void {}

  handleError(error: Error, connection: unknown): void {
    // The client detaches the batch on an error (the ReadyForQuery that follows the Sync goes to
    // the client itself), and a broken connection sends nothing more: either way the batch ends.
    this.failure = error;
    this.finish(connection);
  }

  handleReadyForQuery(connection: unknown): void {
    this.finish(connection);
  }

  private finish(connection: unknown): void {
    if (this.finished) return;
    this.finished = true;
    for (const query of this.queries) {
      if (this.failure) query.handleError(this.failure, connection);
      else query.handleReadyForQuery(connection);
    }
  }
}
