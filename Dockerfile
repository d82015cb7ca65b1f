# syntax=docker/dockerfile:1
# Build stage: compile TypeScript with the dev dependencies.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Runtime: production dependencies, Debian's Chromium for PDFs, fonts, and tini as PID 1 so that signals reach
# Node and Chromium's child processes are reaped. chromium-sandbox is Chromium's setuid sandbox helper: the image
# runs as the non-root `node` user, where Chromium keeps its sandbox, and Docker's default seccomp profile denies
# the user namespaces it would use otherwise.
FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    PUPPETEER_EXECUTABLE_PATH=/usr/bin/chromium \
    PUPPETEER_SKIP_DOWNLOAD=true \
    DATA_DIR=/data \
    PORT=3000
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium chromium-sandbox fonts-dejavu-core fonts-liberation tini ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY migrations ./migrations
COPY templates ./templates
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--", "node", "bin/vcio-planner.js"]
CMD ["serve", "--no-demo"]
