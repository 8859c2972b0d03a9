CREATE TABLE "api_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"merchant_id" uuid NOT NULL,
	"key_hash" text NOT NULL,
	"key_prefix" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_keys_keyHash_unique" UNIQUE("key_hash")
);
--> statement-breakpoint
CREATE TABLE "merchants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"webhook_url" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "connection_credentials" (
	"connection_id" uuid PRIMARY KEY NOT NULL,
	"sealed_tokens" text NOT NULL,
	"key_id" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"access_token_expires_at" timestamp with time zone NOT NULL,
	"refresh_token_expires_at" timestamp with time zone NOT NULL,
	"refresh_token_hard_expires_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "connections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"merchant_id" uuid NOT NULL,
	"provider" text DEFAULT 'quickbooks' NOT NULL,
	"realm_id" text,
	"status" text DEFAULT 'pending_authorization' NOT NULL,
	"status_reason" text,
	"phase" text,
	"needs_reauthorization_since" timestamp with time zone,
	"last_synced_at" timestamp with time zone,
	"last_error" jsonb,
	"checkpoint" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"disconnected_at" timestamp with time zone,
	CONSTRAINT "connections_status_valid" CHECK ("connections"."status" in ('pending_authorization', 'active', 'needs_reauthorization', 'disconnected'))
);
--> statement-breakpoint
CREATE TABLE "oauth_states" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"state_hash" text NOT NULL,
	"merchant_id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"purpose" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"consumed_at" timestamp with time zone,
	"code_hash" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "oauth_states_stateHash_unique" UNIQUE("state_hash"),
	CONSTRAINT "oauth_states_codeHash_unique" UNIQUE("code_hash")
);
--> statement-breakpoint
CREATE TABLE "quickbooks_records" (
	"connection_id" uuid NOT NULL,
	"entity" text NOT NULL,
	"qbo_id" text NOT NULL,
	"sync_token" integer NOT NULL,
	"last_updated_time" timestamp with time zone NOT NULL,
	"deleted" boolean DEFAULT false NOT NULL,
	"raw" jsonb NOT NULL,
	"doc_number" text,
	"txn_date" date,
	"currency" text,
	"total_amount" numeric(20, 4),
	"total_tax" numeric(20, 4),
	"balance" numeric(20, 4),
	"customer_id" text,
	"customer_name" text,
	"bill_address" jsonb,
	"ship_address" jsonb,
	"active" boolean,
	"first_synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "quickbooks_records_connection_id_entity_qbo_id_pk" PRIMARY KEY("connection_id","entity","qbo_id")
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"merchant_id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"episode_key" text NOT NULL,
	"message" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	"webhook_delivered_at" timestamp with time zone,
	"webhook_attempts" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"connection_id" uuid NOT NULL,
	"workflow_run_id" text,
	"kind" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"outcome" text DEFAULT 'running' NOT NULL,
	"counts" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"qbo_requests" integer DEFAULT 0 NOT NULL,
	"error_type" text,
	"error_message" text,
	"intuit_tid" text
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "connection_credentials" ADD CONSTRAINT "connection_credentials_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "connections" ADD CONSTRAINT "connections_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oauth_states" ADD CONSTRAINT "oauth_states_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oauth_states" ADD CONSTRAINT "oauth_states_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quickbooks_records" ADD CONSTRAINT "quickbooks_records_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_keys_merchant_id_index" ON "api_keys" USING btree ("merchant_id");--> statement-breakpoint
CREATE INDEX "connections_merchant_id_index" ON "connections" USING btree ("merchant_id");--> statement-breakpoint
CREATE INDEX "connections_realm_id_index" ON "connections" USING btree ("realm_id");--> statement-breakpoint
CREATE UNIQUE INDEX "connections_merchant_realm_live" ON "connections" USING btree ("merchant_id","realm_id") WHERE "connections"."realm_id" is not null and "connections"."status" <> 'disconnected';--> statement-breakpoint
CREATE INDEX "oauth_states_connection_id_index" ON "oauth_states" USING btree ("connection_id");--> statement-breakpoint
CREATE INDEX "quickbooks_records_listing" ON "quickbooks_records" USING btree ("connection_id","entity","deleted","qbo_id");--> statement-breakpoint
CREATE INDEX "quickbooks_records_txn_date" ON "quickbooks_records" USING btree ("connection_id","txn_date") WHERE "quickbooks_records"."txn_date" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_connection_id_kind_episode_key_index" ON "notifications" USING btree ("connection_id","kind","episode_key");--> statement-breakpoint
CREATE INDEX "notifications_merchant_id_created_at_index" ON "notifications" USING btree ("merchant_id","created_at");--> statement-breakpoint
CREATE INDEX "sync_runs_connection_id_started_at_index" ON "sync_runs" USING btree ("connection_id","started_at");