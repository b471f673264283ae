# syntax=docker/dockerfile:1
# santral-hub as a container: deploy/README.md has `docker build`, `docker run`, the volumes and the
# environment. The build stage installs everything and compiles the packages; the runtime stage gets the
# compiled packages with the production dependencies only, runs as the image's non-root `node` user under
# tini, and reads its tenants from a mounted directory. deploy/build.sh runs these steps without Docker.

ARG NODE_VERSION=20.20.2

FROM node:${NODE_VERSION}-bookworm-slim AS build
# the version package.json's packageManager names (deploy/build.sh checks that the two agree)
ARG PNPM_VERSION=10.34.9
# better-sqlite3 downloads a prebuilt binary for linux-x64 glibc; where that download is blocked, node-gyp
# compiles it, with python3, make and g++ (in this stage only: the runtime gets the built module)
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
RUN npm install -g --force pnpm@${PNPM_VERSION}
WORKDIR /app
# the packages the lockfile names, into pnpm's store (a cache kept between builds), in a step that runs
# again only when the lockfile changes
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN --mount=type=cache,id=santral-hub-pnpm,target=/root/.local/share/pnpm/store \
    pnpm fetch
COPY . .
# every dependency; then the root's `prepare` script compiles each package to its dist/
RUN --mount=type=cache,id=santral-hub-pnpm,target=/root/.local/share/pnpm/store \
    pnpm install --frozen-lockfile --offline
# Then the production dependencies only. For a workspace that means dropping every node_modules and
# installing again with --prod: `pnpm prune --prod` is not recursive (pnpm 10 empties packages/cli's
# node_modules), and `pnpm install --prod` over the full install leaves the dev packages in
# node_modules/.pnpm. pnpm runs the root's `prepare` even with --prod, and the compiler it needs is a dev
# dependency, so the image's package.json loses its scripts first; the dependencies' own builds (the
# better-sqlite3 binary) still run, from pnpm's cache.
RUN rm -rf node_modules packages/*/node_modules plugins/*/node_modules \
    && npm pkg delete scripts
RUN --mount=type=cache,id=santral-hub-pnpm,target=/root/.local/share/pnpm/store \
    pnpm install --prod --frozen-lockfile --offline

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
# tini is PID 1: it hands SIGTERM and SIGHUP on to node and reaps orphaned processes
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini=0.19.0-1+b3 \
    && rm -rf /var/lib/apt/lists/*
# CONFIG_DIR: hub.yaml and tenants/, a mounted directory (read-only is fine). SANTRAL_STATE_DIR: the SQLite
# files of the embedded default (outbox, calls, agents' links), on a volume of its own. PORT overrides
# hub.yaml's listen.port, so the port the container listens on is the one its health check asks.
ENV NODE_ENV=production \
    CONFIG_DIR=/etc/santral-hub \
    SANTRAL_STATE_DIR=/var/lib/santral-hub \
    PORT=3000
WORKDIR /app
# owned by root: read-only to the hub
COPY --from=build /app ./
# the embedded default (the demo tenant), until a config directory is mounted over it
COPY --from=build /app/config /etc/santral-hub
RUN mkdir -p /var/lib/santral-hub && chown node:node /var/lib/santral-hub
# the image's `node` user, by number so that Kubernetes' runAsNonRoot can check it
USER 1000:1000
VOLUME ["/etc/santral-hub", "/var/lib/santral-hub"]
# 3000: the calls, /healthz, /readyz; 9464: /metrics, once hub.yaml's metrics.host opens it (0.0.0.0)
EXPOSE 3000 9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["node", "deploy/healthcheck.mjs"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "packages/cli/bin/santral-hub.js"]
CMD ["start"]
