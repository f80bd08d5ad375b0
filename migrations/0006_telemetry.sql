CREATE TABLE "log_records" (
	"tenant_id" uuid NOT NULL,
	"time" timestamp(6) with time zone NOT NULL,
	"observed_time" timestamp(6) with time zone,
	"record_key" text NOT NULL,
	"service_name" text NOT NULL,
	"severity_number" smallint NOT NULL,
	"severity_text" text,
	"body" text,
	"attributes" jsonb NOT NULL,
	"resource" jsonb NOT NULL,
	"scope" jsonb,
	"trace_id" text,
	"span_id" text,
	"event_name" text,
	"ingested_at" timestamp(6) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "metric_points" (
	"tenant_id" uuid NOT NULL,
	"time" timestamp(6) with time zone NOT NULL,
	"start_time" timestamp(6) with time zone,
	"point_key" text NOT NULL,
	"service_name" text NOT NULL,
	"name" text NOT NULL,
	"unit" text,
	"description" text,
	"type" text NOT NULL,
	"value" double precision,
	"count" bigint,
	"sum" double precision,
	"min" double precision,
	"max" double precision,
	"bucket_counts" jsonb,
	"explicit_bounds" jsonb,
	"temporality" smallint,
	"is_monotonic" boolean,
	"attributes" jsonb NOT NULL,
	"resource" jsonb NOT NULL,
	"ingested_at" timestamp(6) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "spans" (
	"tenant_id" uuid NOT NULL,
	"trace_id" text NOT NULL,
	"span_id" text NOT NULL,
	"parent_span_id" text,
	"start_time" timestamp(6) with time zone NOT NULL,
	"duration_ns" bigint NOT NULL,
	"service_name" text NOT NULL,
	"name" text NOT NULL,
	"kind" smallint NOT NULL,
	"status_code" smallint NOT NULL,
	"status_message" text,
	"attributes" jsonb NOT NULL,
	"resource" jsonb NOT NULL,
	"scope" jsonb,
	"events" jsonb,
	"links" jsonb,
	"source" text NOT NULL,
	"ingested_at" timestamp(6) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "log_records_identity" ON "log_records" USING btree ("tenant_id","time","record_key");--> statement-breakpoint
CREATE INDEX "log_records_tenant_service_time" ON "log_records" USING btree ("tenant_id","service_name","time" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "log_records_tenant_severity_time" ON "log_records" USING btree ("tenant_id","severity_number","time" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "metric_points_identity" ON "metric_points" USING btree ("tenant_id","time","point_key");--> statement-breakpoint
CREATE INDEX "metric_points_tenant_name_time" ON "metric_points" USING btree ("tenant_id","name","time" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "spans_identity" ON "spans" USING btree ("tenant_id","trace_id","span_id","start_time");--> statement-breakpoint
CREATE INDEX "spans_tenant_time" ON "spans" USING btree ("tenant_id","start_time" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "spans_tenant_service_time" ON "spans" USING btree ("tenant_id","service_name","start_time" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "spans_tenant_name_time" ON "spans" USING btree ("tenant_id","name","start_time" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "spans_tenant_roots_time" ON "spans" USING btree ("tenant_id","start_time" DESC NULLS LAST) WHERE "spans"."parent_span_id" is null;