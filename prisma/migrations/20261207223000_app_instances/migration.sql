-- Server apps: a live app that keeps crashing is CRASHED.
ALTER TYPE "DeploymentStatus" ADD VALUE 'CRASHED';

-- CreateTable
CREATE TABLE "app_instances" (
    "id" TEXT NOT NULL,
    "deployment_id" TEXT NOT NULL,
    "project_id" TEXT NOT NULL,
    "runtime" TEXT NOT NULL,
    "address" TEXT,
    "state" TEXT NOT NULL,
    "restarts" INTEGER NOT NULL DEFAULT 0,
    "started_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "app_instances_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "app_instances_deployment_id_idx" ON "app_instances"("deployment_id");

-- AddForeignKey
ALTER TABLE "app_instances" ADD CONSTRAINT "app_instances_deployment_id_fkey" FOREIGN KEY ("deployment_id") REFERENCES "deployments"("id") ON DELETE CASCADE ON UPDATE CASCADE;
