# syntax=docker/dockerfile:1
# Node 22 is the LTS line CI tests on (.ci/run).
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The console is an npm workspace: its manifest must be there for `npm ci` to install it.
COPY console/package.json ./console/
# `npm ci` runs the `prepare` script, which skips its build while the sources are not copied yet.
COPY scripts/prepare.js ./scripts/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
COPY scripts ./scripts
COPY console ./console
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim
ENV NODE_ENV=production
# glibc's default; set, it stays fixed, so memory freed by V8's compiler threads goes back to
# the system (as `npm start` sets it; see docs/decisions/0002-embedded-default.md).
ENV MALLOC_TRIM_THRESHOLD_=131072
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/console/dist ./console/dist
COPY package.json ./
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/src/main.js"]
