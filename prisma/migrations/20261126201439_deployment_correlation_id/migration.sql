-- AlterTable
ALTER TABLE "deployments" ADD COLUMN     "correlation_id" TEXT;


-- Backfill: deployments written before this column have their request's correlation id in the
-- payload of their DeploymentRequested.v1 outbox row.
UPDATE "deployments" d SET "correlation_id" = o."payload"->>'correlationId'
FROM "outbox_messages" o
WHERE o."type" = 'DeploymentRequested.v1' AND o."key" = d."id" AND d."correlation_id" IS NULL;
