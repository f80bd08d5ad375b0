// The consent log: events recorded by /v1/consent (a receipt issued = accepted, revoked =
// withdrawn), refused batches counted per day, and the reads tenant admins use as proof: daily
// counts and the export of every receipt event. Plain functions over the tenant's RLS scope.
import { and, asc, gte, lt, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.ts";
import { consentEvents, consentRefusals, type ConsentChoice } from "../../../db/schema/index.ts";
import { withTenant, type Tx } from "../../../db/tenant-scope.ts";
import type { TimeRange } from "../query/time-range.ts";

export type ConsentEvent = {
  receiptId: string;
  choice: ConsentChoice;
  occurredAt: Date;
  policyVersion: number;
  overrodeGpc: boolean;
};

/**
 * Records an event with its policy's hash (a withdrawal: the hash its acceptance recorded); a
 * second withdrawal of the same receipt changes nothing. Answers whether a row was written.
 */
export async function recordConsentEvent(db: Db, tenantId: string, event: ConsentEvent): Promise<boolean> {
  const result = await withTenant(db, tenantId, (tx) =>
    tx.execute(sql`
      insert into consent_events
        (tenant_id, receipt_id, choice, occurred_at, policy_version, policy_hash, overrode_gpc)
      select ${tenantId}, ${event.receiptId}, ${event.choice}, ${event.occurredAt}, ${event.policyVersion},
        coalesce(
          (select e.policy_hash from consent_events e
            where e.tenant_id = ${tenantId} and e.receipt_id = ${event.receiptId} and e.choice = 'accepted'),
          (select p.policy_hash from consent_policies p
            where p.tenant_id = ${tenantId} and p.version = ${event.policyVersion})),
        ${event.overrodeGpc}
      on conflict (tenant_id, receipt_id, choice) do nothing`),
  );
  return (result.rowCount ?? 0) > 0;
}

export async function countConsentRefusal(db: Db, tenantId: string, now: Date): Promise<void> {
  const day = now.toISOString().slice(0, 10);
  await withTenant(db, tenantId, (tx) =>
    tx
      .insert(consentRefusals)
      .values({ tenantId, day, batches: 1 })
      .onConflictDoUpdate({
        target: [consentRefusals.tenantId, consentRefusals.day],
        set: { batches: sql`${consentRefusals.batches} + 1` },
      }),
  );
}

export type ConsentDay = { day: string; accepted: number; withdrawn: number; refusedBatches: number };

/** Per UTC day of the range: receipts issued, receipts withdrawn, batches refused. */
export async function consentCountsByDay(tx: Tx, range: TimeRange): Promise<ConsentDay[]> {
  const rows = await tx.execute<{ day: string; accepted: string; withdrawn: string; refused: string }>(sql`
    with events as (
      select to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD') as day,
        count(*) filter (where choice = 'accepted') as accepted,
        count(*) filter (where choice = 'withdrawn') as withdrawn
      from consent_events
      where occurred_at >= ${range.from} and occurred_at < ${range.to}
      group by 1
    ), refused as (
      select to_char(day, 'YYYY-MM-DD') as day, batches from consent_refusals
      where day >= (${range.from}::timestamptz at time zone 'UTC')::date
        and day <= (${range.to}::timestamptz at time zone 'UTC')::date
    )
    select coalesce(e.day, r.day) as day, coalesce(e.accepted, 0) as accepted,
      coalesce(e.withdrawn, 0) as withdrawn, coalesce(r.batches, 0) as refused
    from events e full join refused r on r.day = e.day
    order by 1`);
  return rows.rows.map((row) => ({
    day: row.day,
    accepted: Number(row.accepted),
    withdrawn: Number(row.withdrawn),
    refusedBatches: Number(row.refused),
  }));
}

/** The export: every event of the range, oldest first, at most `limit`. */
export function consentEventsIn(tx: Tx, range: TimeRange, limit: number) {
  return tx
    .select({
      receiptId: consentEvents.receiptId,
      choice: consentEvents.choice,
      occurredAt: consentEvents.occurredAt,
      policyVersion: consentEvents.policyVersion,
      policyHash: sql<string | null>`encode(${consentEvents.policyHash}, 'hex')`,
      overrodeGpc: consentEvents.overrodeGpc,
    })
    .from(consentEvents)
    .where(and(gte(consentEvents.occurredAt, range.from), lt(consentEvents.occurredAt, range.to)))
    .orderBy(asc(consentEvents.occurredAt), asc(consentEvents.id))
    .limit(limit);
}
