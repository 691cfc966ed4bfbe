# SOC Drill, one node. Build: docker build -t soc-drill .   Run: see compose.yaml and docs/operations.md.

# ---- build: compile the server and the console, then keep only the runtime dependencies ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary matches the platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# The project needs npm 11 (README); the Node 20 image ships npm 10.
RUN npm install -g npm@11
COPY package.json package-lock.json ./
# --ignore-scripts: the package's `prepare` would build before the sources are copied; the one
# native dependency is built explicitly instead.
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3
COPY . .
RUN npm run build && npm prune --omit=dev

# ---- runtime ----
FROM node:20-bookworm-slim
# Debian's Chromium prints the PDF reports (never a downloaded browser); DejaVu is the reports' fallback font.
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data \
    CHROMIUM_PATH=/usr/bin/chromium
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/scenarios ./scenarios
COPY --from=build /app/rules ./rules
# The data folder (the embedded SQLite database and its lock) belongs to the unprivileged user.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# Ready = the database answers and every migration is applied (GET /api/health/ready).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM stops the server gracefully (shutdown hooks release the data folder).
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]
