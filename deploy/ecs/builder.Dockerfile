# DeploySphere builder image for AWS ECS / ECR: the same builder as deploy/builder/Dockerfile, for a
# normal environment with an image registry. Runs the same entrypoint, deploy/builder/build.sh, so
# the build contract (env, mounts, exit codes: docs/builder.md) is identical.
#
# NOT BUILT OR TESTED HERE: the development/CI machines have no image registry, so
# `FROM node:20-bookworm-slim` cannot be pulled; there the image is made by scripts/builder-image.sh
# from a debootstrap'd base instead. Build and push from a machine with registry access:
#
#   docker build -f deploy/ecs/builder.Dockerfile -t deploysphere-builder:$(git rev-parse --short HEAD) .
#   aws ecr get-login-password | docker login --username AWS --password-stdin <account>.dkr.ecr.<region>.amazonaws.com
#   docker tag deploysphere-builder:<rev> <account>.dkr.ecr.<region>.amazonaws.com/deploysphere-builder:<rev>
#   docker push <account>.dkr.ecr.<region>.amazonaws.com/deploysphere-builder:<rev>
#
# The build context is the repository root (the file copies deploy/builder/build.sh and
# deploy/ecs/task-entrypoint.sh). scripts/builder-image-ecr.sh builds, tags and pushes it
# (repository and registry login through @aws-sdk/client-ecr).
#
# As an ECS build task the entry point is /usr/local/bin/deploysphere-ecs-task (set in the task
# definition, deploy/ecs/builder-task-definition.json): it fetches the source and env through
# presigned S3 URLs, runs deploysphere-build and uploads the output (docs/builds.md, "ECS").
# Pin the base by digest in production (node:20-bookworm-slim@sha256:...).
#
# ECS task definition equivalents of the local `docker run` flags (docs/builder.md):
#   user "10001:10001"; readonlyRootFilesystem true; linuxParameters.initProcessEnabled true;
#   linuxParameters.capabilities.drop ["ALL"]; cpu 1024 / memory 1024; awsvpc networking with
#   egress only to the package registry. Fargate has no tmpfs mounts: give the task ephemeral
#   volumes (mountPoints) at /tmp, /workspace and /cache (EFS access point per project for a cache
#   that survives between builds).

FROM node:20-bookworm-slim

COPY deploy/builder/build.sh /usr/local/bin/deploysphere-build
COPY deploy/ecs/task-entrypoint.sh /usr/local/bin/deploysphere-ecs-task

# git for git-hosted dependencies; ca-certificates for npm/git TLS. The slim image already has
# node 20, npm 10 and corepack.
RUN set -eu; \
    chmod 0755 /usr/local/bin/deploysphere-build /usr/local/bin/deploysphere-ecs-task; \
    apt-get update; \
    apt-get install -y --no-install-recommends ca-certificates git; \
    rm -rf /var/lib/apt/lists/*; \
    groupadd --gid 10001 builder; \
    useradd --uid 10001 --gid 10001 --home-dir /home/builder --create-home --shell /bin/bash builder; \
    mkdir -p /workspace /cache/npm; \
    chown 10001:10001 /workspace /cache /cache/npm; \
    node --version; npm --version; corepack --version; git --version

ENV HOME=/home/builder \
    LANG=C.UTF-8 \
    NPM_CONFIG_CACHE=/cache/npm \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false \
    COREPACK_ENABLE_DOWNLOAD_PROMPT=0 \
    NEXT_TELEMETRY_DISABLED=1 \
    ASTRO_TELEMETRY_DISABLED=1 \
    GATSBY_TELEMETRY_DISABLED=1

LABEL org.opencontainers.image.title="deploysphere-builder" \
      org.opencontainers.image.description="DeploySphere static-site builder (ECS/ECR variant)"

USER 10001:10001
WORKDIR /workspace
ENTRYPOINT ["/usr/local/bin/deploysphere-build"]
