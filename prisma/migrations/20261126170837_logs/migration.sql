-- CreateTable
CREATE TABLE "build_log_lines" (
    "deployment_id" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "ts" TIMESTAMPTZ(3) NOT NULL,
    "stream" TEXT NOT NULL,
    "message" TEXT NOT NULL,

    CONSTRAINT "build_log_lines_pkey" PRIMARY KEY ("deployment_id","seq")
);

-- CreateTable
CREATE TABLE "access_log_records" (
    "id" TEXT NOT NULL,
    "project_id" TEXT,
    "deployment_id" TEXT,
    "ts" TIMESTAMPTZ(3) NOT NULL,
    "host" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "bytes" BIGINT NOT NULL,
    "duration_ms" DOUBLE PRECISION NOT NULL,
    "user_agent" TEXT,
    "client_ip" TEXT,

    CONSTRAINT "access_log_records_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "build_log_lines_ts_idx" ON "build_log_lines"("ts");

-- CreateIndex
CREATE INDEX "access_log_records_project_id_ts_idx" ON "access_log_records"("project_id", "ts");

-- CreateIndex
CREATE INDEX "access_log_records_ts_idx" ON "access_log_records"("ts");

