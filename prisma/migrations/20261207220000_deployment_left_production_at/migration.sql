-- AlterTable
ALTER TABLE "deployments" ADD COLUMN     "left_production_at" TIMESTAMPTZ(3);
