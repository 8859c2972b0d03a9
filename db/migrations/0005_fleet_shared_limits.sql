CREATE TABLE "quickbooks_realm_budgets" (
	"realm_id" text PRIMARY KEY NOT NULL,
	"theoretical_arrival_ms" bigint DEFAULT 0 NOT NULL,
	"paused_until_ms" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "quickbooks_realm_holds" (
	"id" uuid PRIMARY KEY NOT NULL,
	"realm_id" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "client_rate_limit_windows" (
	"key" text PRIMARY KEY NOT NULL,
	"window_started_at" timestamp with time zone NOT NULL,
	"requests" integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX "quickbooks_realm_holds_realm_id_expires_at_index" ON "quickbooks_realm_holds" USING btree ("realm_id","expires_at");