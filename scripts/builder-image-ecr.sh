#!/usr/bin/env bash
# Builds the ECS builder image (deploy/ecs/builder.Dockerfile) and pushes it to ECR:
#
#   ECR_REPOSITORY=deploysphere-builder AWS_REGION=eu-west-1 scripts/builder-image-ecr.sh [tag]
#
# The tag defaults to the short hash of deploy/builder + deploy/ecs (a new tag whenever an input
# changes; the repository's tags are immutable). Needs Docker with access to the base image
# registry, AWS credentials allowed to create/describe the repository and push to it, and a built
# dist/ (`npm run build`): the repository and the registry login come from
# apps/orchestrator/src/runner/ecs/ecr-push.cli.ts (@aws-sdk/client-ecr). Prints the pushed reference last;
# put it in the task definition (deploy/ecs/builder-task-definition.json).
# Not runnable on the development machines (no image registry to pull node:20-bookworm-slim from).
set -euo pipefail
ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
: "${ECR_REPOSITORY:?set ECR_REPOSITORY to the ECR repository name}"
TAG="${1:-$(cd "$ROOT_DIR" && find deploy/builder deploy/ecs -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)}"
LOCAL="deploysphere/builder-ecs:$TAG"
DOCKER_BUILDKIT="${DOCKER_BUILDKIT:-1}" docker build -f "$ROOT_DIR/deploy/ecs/builder.Dockerfile" -t "$LOCAL" "$ROOT_DIR" >&2
node "$ROOT_DIR/dist/apps/orchestrator/src/runner/ecs/ecr-push.cli.js" "$LOCAL" "$TAG"
