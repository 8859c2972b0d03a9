# syntax=docker/dockerfile:1
# One image for every process of the product; docker-compose.yml picks the command per service,
# each a package.json script (api, worker, db:migrate, simulator) run as `node --import tsx <file>`:
# `npm run` neither forwards SIGTERM nor waits for its child, so a worker could not drain on stop.
# TypeScript runs through tsx (a production dependency); the one build step is the workflow bundle.
#
# Debian (glibc), not Alpine: the Temporal worker's native core-bridge ships no musl build.
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# ---- dependencies: production node_modules only (vitest, eslint, typescript… stay out) ----
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# --ignore-scripts: nothing we run needs an install script (native modules come prebuilt in
# per-platform packages), and it keeps install-time telemetry and downloads out of the build.
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund
# Our fixes to dependencies (patches/*.patch, see patches/README.md), which `npm ci` applies through
# the postinstall script everywhere else.
COPY patches ./patches
RUN --mount=type=cache,target=/root/.npm \
    npx --yes patch-package@8.0.1 --error-on-fail

# ---- runtime ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
# Sources are owned by root and read-only for the app user; .dockerignore keeps secrets, tests and
# local state out of the context.
COPY . .
# The workflow bundle, built once here rather than by every worker at start (webpack: 13–20 s of a
# core, during which a new worker polls nothing and starves its neighbours). Workers load it through
# WORKFLOW_BUNDLE_PATH and refuse it if it was built from other sources (worker/workflow-bundle.ts).
RUN node --import tsx cli/build-workflows.ts /app/dist/workflow-bundle.js
ENV WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js
# The `node` user (uid 1000) comes with the official image.
USER node
EXPOSE 3000
CMD ["node", "--import", "tsx", "api/main.ts"]
