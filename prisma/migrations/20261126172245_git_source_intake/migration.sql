-- AlterTable
ALTER TABLE "projects" ADD COLUMN     "git_credential" TEXT,
ADD COLUMN     "git_webhook_secret" TEXT;

-- CreateTable
CREATE TABLE "git_webhook_deliveries" (
    "project_id" TEXT NOT NULL,
    "delivery_id" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "deployment_id" TEXT,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "git_webhook_deliveries_pkey" PRIMARY KEY ("project_id","delivery_id")
);

-- CreateIndex
CREATE INDEX "git_webhook_deliveries_received_at_idx" ON "git_webhook_deliveries"("received_at");

-- AddForeignKey
ALTER TABLE "git_webhook_deliveries" ADD CONSTRAINT "git_webhook_deliveries_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

