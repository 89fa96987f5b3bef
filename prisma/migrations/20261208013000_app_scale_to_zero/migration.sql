-- Server apps scale to zero: the newest request an edge reported, when the orchestrator stopped an
-- idle deployment's instances (it stays READY), and the claim of the orchestrator waking it.
ALTER TABLE "deployments" ADD COLUMN "last_request_at" TIMESTAMPTZ(3),
ADD COLUMN "asleep_at" TIMESTAMPTZ(3),
ADD COLUMN "wake_owner" TEXT,
ADD COLUMN "wake_lease_expires_at" TIMESTAMPTZ(3);
