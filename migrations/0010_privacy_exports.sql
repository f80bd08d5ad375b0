CREATE TABLE "account_exports" (
	"session_id" uuid NOT NULL,
	"authenticated_at" timestamp with time zone NOT NULL,
	"exported_at" timestamp with time zone NOT NULL,
	CONSTRAINT "account_exports_session_id_authenticated_at_pk" PRIMARY KEY("session_id","authenticated_at")
);
--> statement-breakpoint
ALTER TABLE "account_exports" ADD CONSTRAINT "account_exports_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;