-- CreateTable
CREATE TABLE "artifact_blob_refs" (
    "deployment_id" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,

    CONSTRAINT "artifact_blob_refs_pkey" PRIMARY KEY ("deployment_id","sha256")
);

-- CreateTable
CREATE TABLE "artifact_purges" (
    "deployment_id" TEXT NOT NULL,
    "source_key" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "artifact_purges_pkey" PRIMARY KEY ("deployment_id")
);

-- CreateIndex
CREATE INDEX "artifact_blob_refs_sha256_idx" ON "artifact_blob_refs"("sha256");

-- Every deleted deployment (directly or with its project) leaves a purge row in the same
-- transaction, whatever code deleted it: its manifest, source archive and unshared blobs are
-- removed from the artifact store by the orchestrator's artifact janitor.
-- The body is an E'' string with \x3b for its semicolons: Prisma's driver-adapter migrate splits a
-- script at every semicolon, dollar quotes included.
CREATE FUNCTION "queue_artifact_purge"() RETURNS trigger LANGUAGE plpgsql AS E'BEGIN
  INSERT INTO "artifact_purges" ("deployment_id", "source_key") VALUES (OLD."id", OLD."source_key")
  ON CONFLICT ("deployment_id") DO NOTHING\x3b
  RETURN OLD\x3b
END';

CREATE TRIGGER "deployments_queue_artifact_purge" AFTER DELETE ON "deployments"
FOR EACH ROW EXECUTE FUNCTION "queue_artifact_purge"();
