# seglab as a team server: Streamable HTTP on :3333 with sign-in, behind a TLS-terminating proxy.
# The database and reports live in the /data volume. See README "Team server".
#   docker build -t seglab .
#   docker run -d -p 127.0.0.1:3333:3333 -v seglab-data:/data seglab \
#     serve --http --host 0.0.0.0 --auth tokens --allowed-host seglab.example.com
#   docker exec <container> node dist/cli.js token create --name alice --role editor
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source where no prebuilt binary is available.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production SEGLAB_DB=/data/seglab.db SEGLAB_REPORTS=/data/reports
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY schemas ./schemas
COPY data ./data
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3333
HEALTHCHECK --interval=30s --timeout=3s CMD ["node", "-e", "fetch('http://127.0.0.1:3333/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Sign-in is required off loopback: without --auth the server refuses to start.
ENTRYPOINT ["node", "dist/cli.js"]
CMD ["serve", "--http", "--host", "0.0.0.0", "--port", "3333", "--auth", "tokens"]
