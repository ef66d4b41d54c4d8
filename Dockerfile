# Medic: build with the full toolchain, run as a non-root user with only production deps.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts/bundle.mjs ./scripts/
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends openssh-client ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 medic
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY playbooks ./playbooks
COPY examples ./examples
USER medic
ENV NODE_ENV=production MEDIC_CONFIG=/etc/medic/medic.yaml
ENTRYPOINT ["node", "dist/bundle/cli.js"]
CMD ["serve"]
