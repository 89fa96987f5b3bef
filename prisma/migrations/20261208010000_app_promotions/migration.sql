-- Server apps: a promote or rollback to a container deployment starts its instances first, the
-- alias moves when they are healthy. The request, the orchestrator's claim on it, and why it failed.
ALTER TABLE "deployments" ADD COLUMN "promotion_requested_at" TIMESTAMPTZ(3),
ADD COLUMN "promotion_correlation_id" TEXT,
ADD COLUMN "promotion_owner" TEXT,
ADD COLUMN "promotion_lease_expires_at" TIMESTAMPTZ(3),
ADD COLUMN "promotion_failure_code" TEXT,
ADD COLUMN "promotion_failure_message" TEXT;

-- The orchestrators' claim looks only at pending requests.
CREATE INDEX "deployments_promotion_requested_at_idx" ON "deployments"("promotion_requested_at") WHERE "promotion_requested_at" IS NOT NULL;
