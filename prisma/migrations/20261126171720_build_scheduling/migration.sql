-- AlterTable
ALTER TABLE "deployments" ADD COLUMN     "lease_expires_at" TIMESTAMPTZ(3),
ADD COLUMN     "orchestrator_id" TEXT;

-- AlterTable
ALTER TABLE "projects" ADD COLUMN     "build_timeout_seconds" INTEGER;

