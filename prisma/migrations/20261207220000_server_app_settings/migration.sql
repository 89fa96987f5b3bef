-- AlterEnum
ALTER TYPE "DeploymentStatus" ADD VALUE 'STARTING';

-- CreateEnum
CREATE TYPE "AppRuntime" AS ENUM ('static', 'container');

-- AlterTable
ALTER TABLE "projects" ADD COLUMN     "runtime" "AppRuntime",
ADD COLUMN     "port" INTEGER,
ADD COLUMN     "health_check_path" TEXT,
ADD COLUMN     "start_command" TEXT,
ADD COLUMN     "replicas" INTEGER,
ADD COLUMN     "memory_mb" INTEGER,
ADD COLUMN     "cpus" DOUBLE PRECISION,
ADD COLUMN     "idle_timeout_seconds" INTEGER;

-- AlterTable
ALTER TABLE "deployments" ADD COLUMN     "runtime" "AppRuntime",
ADD COLUMN     "image_ref" TEXT,
ADD COLUMN     "image_digest" TEXT;
