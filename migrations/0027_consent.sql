CREATE TABLE "consent_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"receipt_id" uuid NOT NULL,
	"choice" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"policy_version" integer NOT NULL,
	"policy_hash" "bytea",
	"overrode_gpc" boolean DEFAULT false NOT NULL,
	CONSTRAINT "consent_events_choice_valid" CHECK ("consent_events"."choice" in ('accepted', 'withdrawn'))
);
--> statement-breakpoint
CREATE TABLE "consent_policies" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"required" boolean DEFAULT true NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"policy_hash" "bytea",
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "consent_policies_version_positive" CHECK ("consent_policies"."version" > 0)
);
--> statement-breakpoint
CREATE TABLE "consent_refusals" (
	"tenant_id" uuid NOT NULL,
	"day" date NOT NULL,
	"batches" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "consent_refusals_tenant_id_day_pk" PRIMARY KEY("tenant_id","day")
);
--> statement-breakpoint
ALTER TABLE "consent_events" ADD CONSTRAINT "consent_events_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent_policies" ADD CONSTRAINT "consent_policies_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent_refusals" ADD CONSTRAINT "consent_refusals_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "consent_events_receipt_choice_key" ON "consent_events" USING btree ("tenant_id","receipt_id","choice");--> statement-breakpoint
CREATE INDEX "consent_events_tenant_time_idx" ON "consent_events" USING btree ("tenant_id","occurred_at");--> statement-breakpoint
CREATE INDEX "consent_events_occurred_at_idx" ON "consent_events" USING btree ("occurred_at");