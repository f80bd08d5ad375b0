// Rows → Postgres in a constant number of round trips whatever the batch size: the whole batch is
// one JSON parameter expanded by jsonb_to_recordset inside one INSERT … SELECT (no per-row
// statements and no 65,535-parameter ceiling), run in the tenant's RLS context by
// app_execute_for_tenant (migrations/0012_ingest_round_trips.sql): one round trip, its own
// transaction, committed before the answer arrives. Re-sent items hit the unique keys and are skipped (ON CONFLICT DO NOTHING), so a
// retried batch is stored once. Logs and metric points have no ids: their key is the md5 of the
// row's own content, computed by Postgres.
import { sql } from "drizzle-orm";
import type { Db } from "../../../db/client.ts";
import type { LogRow } from "./map-logs.ts";
import type { MetricRow } from "./map-metrics.ts";
import type { SpanRow } from "./map-spans.ts";

/** How many rows were new (the rest were duplicates of rows already stored). */
export type Stored = { inserted: number };

const SPAN_RECORD = `trace_id text, span_id text, parent_span_id text, start_time timestamptz,
  duration_ns bigint, service_name text, name text, kind smallint, status_code smallint, status_message text,
  attributes jsonb, resource jsonb, scope jsonb, events jsonb, links jsonb, source text`;
const SPAN_COLUMNS = `trace_id, span_id, parent_span_id, start_time, duration_ns, service_name, name, kind,
  status_code, status_message, attributes, resource, scope, events, links, source`;

const LOG_RECORD = `time timestamptz, observed_time timestamptz, service_name text, severity_number smallint,
  severity_text text, body text, attributes jsonb, resource jsonb, scope jsonb, trace_id text, span_id text,
  event_name text`;
const LOG_COLUMNS = `time, observed_time, service_name, severity_number, severity_text, body, attributes, resource,
  scope, trace_id, span_id, event_name`;

const METRIC_RECORD = `time timestamptz, start_time timestamptz, service_name text, name text, unit text,
  description text, type text, value double precision, count bigint, sum double precision, min double precision,
  max double precision, bucket_counts jsonb, explicit_bounds jsonb, exponential_buckets jsonb, quantiles jsonb,
  temporality smallint, is_monotonic boolean, attributes jsonb, resource jsonb`;
const METRIC_COLUMNS = `time, start_time, service_name, name, unit, description, type, value, count, sum, min, max,
  bucket_counts, explicit_bounds, exponential_buckets, quantiles, temporality, is_monotonic, attributes, resource`;

// $1 is the tenant, $2 the batch (app_execute_for_tenant's arguments).
const SPAN_INSERT = `insert into spans (tenant_id, ${SPAN_COLUMNS})
  select $1, ${SPAN_COLUMNS} from jsonb_to_recordset($2) as r(${SPAN_RECORD})
  on conflict do nothing`;
const LOG_INSERT = `insert into log_records (tenant_id, record_key, ${LOG_COLUMNS})
  select $1, md5(r::text), ${LOG_COLUMNS} from jsonb_to_recordset($2) as r(${LOG_RECORD})
  on conflict do nothing`;
const METRIC_INSERT = `insert into metric_points (tenant_id, point_key, ${METRIC_COLUMNS})
  select $1, md5(r::text), ${METRIC_COLUMNS} from jsonb_to_recordset($2) as r(${METRIC_RECORD})
  on conflict do nothing`;

export function storeSpans(db: Db, tenantId: string, rows: SpanRow[]): Promise<Stored> {
  return insertBatch(db, tenantId, rows, SPAN_INSERT);
}

export function storeLogs(db: Db, tenantId: string, rows: LogRow[]): Promise<Stored> {
  return insertBatch(db, tenantId, rows, LOG_INSERT);
}

export function storeMetrics(db: Db, tenantId: string, rows: MetricRow[]): Promise<Stored> {
  return insertBatch(db, tenantId, rows, METRIC_INSERT);
}

/**
 * Escapes jsonb refuses, which would fail the whole batch (and a retry forever): NUL, and lone
 * UTF-16 surrogates (JSON.stringify escapes only lone ones; pairs are written as characters).
 * Both become U+FFFD. An escape is a backslash preceded by an even number of backslashes.
 */
const UNSTORABLE_ESCAPES = /(?<!\\)((?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/gi;

async function insertBatch(
  db: Db,
  tenantId: string,
  rows: readonly object[],
  insert: string,
): Promise<Stored> {
  if (rows.length === 0) return { inserted: 0 };
  const batch = JSON.stringify(rows).replace(UNSTORABLE_ESCAPES, "$1\\ufffd");
  const result = await db.execute<{ inserted: string }>(
    sql`select app_execute_for_tenant(${tenantId}::uuid, ${insert}, ${batch}::jsonb) as inserted`,
  );
  return { inserted: Number(result.rows[0].inserted) };
}
