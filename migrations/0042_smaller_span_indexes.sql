-- Smaller spans (issue 11, item 2: ≤ 500 bytes per backend span, indexes included; docs/ingest.md
-- "Partitions"). Two of the six span indexes were paid by every span for reads only some spans need:
-- * spans_tenant_time (~52 B per span) served only the retention purge's "tenant, older than" range,
--   and a day partition's rows arrive in time order: a BRIN on start_time (a few pages per
--   partition) finds the expired block ranges of the one partition that straddles a tenant's cutoff
--   (every older partition is wholly expired for that tenant: any tenant_id-leading index serves it).
-- * spans_tenant_service_time (~74 B per span) served only the traces list's service filter, which
--   reads root spans: the same index over root spans only.
-- Both built on every partition (partitioned indexes); drizzle-kit generated the statements from
-- db/schema/telemetry.ts.
DROP INDEX "spans_tenant_time";--> statement-breakpoint
DROP INDEX "spans_tenant_service_time";--> statement-breakpoint
CREATE INDEX "spans_time_brin" ON "spans" USING brin ("start_time");--> statement-breakpoint
CREATE INDEX "spans_tenant_service_roots_time" ON "spans" USING btree ("tenant_id","service_name","start_time" DESC NULLS LAST) WHERE "spans"."parent_span_id" is null;