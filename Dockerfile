# The GitHub App, built from this repository: `docker build -t patchwright .` (see docs/deploy.md).
FROM node:20-bookworm-slim

# git for the runs' clones and pushes; bubblewrap for the agent's commands (it needs user namespaces:
# see docs/deploy.md); python3, make and g++ build better-sqlite3 where no prebuilt binary fits.
RUN apt-get update \
  && apt-get install -y --no-install-recommends git bubblewrap ca-certificates python3 make g++ \
  && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY . .
# npm ci builds dist/ (the prepare script); the dev tools are dropped after.
RUN npm ci && npm prune --omit=dev

ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 PATCHWRIGHT_STATE_DIR=/var/lib/patchwright
RUN mkdir -p /var/lib/patchwright && chown node:node /var/lib/patchwright
VOLUME /var/lib/patchwright
USER node
EXPOSE 3000
# SIGTERM drains (PATCHWRIGHT_DRAIN_SECONDS, 120 by default): give `docker stop` at least that long.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# `node dist/app/main.js serve` or `... worker` to split the roles (docs/deploy.md).
CMD ["node", "dist/app/main.js"]
