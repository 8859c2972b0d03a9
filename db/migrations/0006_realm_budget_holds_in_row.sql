DROP TABLE "quickbooks_realm_holds" CASCADE;--> statement-breakpoint
ALTER TABLE "quickbooks_realm_budgets" ADD COLUMN "holds" jsonb DEFAULT '{}'::jsonb NOT NULL;