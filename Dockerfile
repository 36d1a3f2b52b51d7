# syntax=docker/dockerfile:1
# One image for both containers of the Portico pod (deploy/): the controller (the entry point) and OpenResty
# (command /app/nginx/run). Build: docker build -t portico/portico:0.1.0 .

# A supported Node.js LTS, on the same Debian release as the OpenResty image so the binary finds its libraries.
ARG NODE_IMAGE=node:22-bookworm-slim
ARG OPENRESTY_IMAGE=openresty/openresty:1.27.1.2-bookworm

FROM ${NODE_IMAGE} AS node

FROM node AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY controller ./controller
RUN npx tsc -p tsconfig.json && npm prune --omit=dev --no-audit --no-fund

FROM ${OPENRESTY_IMAGE} AS runtime
# openssl makes the self-signed default certificate; tini forwards signals to the controller and reaps zombies.
# nginx gets the one capability it needs to bind ports 80 and 443 as a non-root user.
RUN apt-get update \
 && apt-get install -y --no-install-recommends openssl tini libstdc++6 libcap2-bin \
 && setcap cap_net_bind_service=+ep /usr/local/openresty/nginx/sbin/nginx \
 && apt-get purge -y libcap2-bin \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 portico \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin portico
COPY --from=node /usr/local/bin/node /usr/local/bin/node

WORKDIR /app
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY lua ./lua
COPY templates ./templates
COPY nginx ./nginx

USER 10001:10001
VOLUME ["/work"]
EXPOSE 80 443 10254
ENTRYPOINT ["/usr/bin/tini", "--", "/app/bin/portico"]
# In a pod the credentials come from the service account; deploy/ passes its own arguments.
CMD ["--nginx-binary=openresty", "--work-dir=/work/portico"]
