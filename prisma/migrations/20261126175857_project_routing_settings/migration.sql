-- AlterTable
ALTER TABLE "projects" ADD COLUMN     "clean_urls" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "custom_404" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "spa_fallback" BOOLEAN NOT NULL DEFAULT false;

