CREATE TABLE "quickbooks_realm_budgets" (
	"realm_id" text PRIMARY KEY NOT NULL,
	"theoretical_arrival_ms" bigint DEFAULT 0 NOT NULL,
	"paused_until_ms" bigint DEFAULT 0 NOT NULL,
	"holds" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "client_rate_limit_windows" (
	"key" text PRIMARY KEY NOT NULL,
	"window_started_at" timestamp with time zone NOT NULL,
	"requests" integer NOT NULL
);
