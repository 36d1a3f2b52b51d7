#!/usr/bin/env bash
# Runs Portico on examples/ with five demo echo backends on loopback; Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."

HTTP_PORT=${HTTP_PORT:-8080}
HTTPS_PORT=${HTTPS_PORT:-8443}
STATUS_PORT=${STATUS_PORT:-10254}

node test/helpers/echo-backend.mjs 127.0.1.1:8080 127.0.1.2:8080 127.0.1.3:8080 127.0.1.4:8080 127.0.1.5:8080 &
backends=$!
trap 'kill $backends 2>/dev/null || true' EXIT

cat <<EOT

Portico demo: edit files under examples/ while it runs and watch the log.
Try, in another terminal:
  curl -H 'Host: demo.local' http://127.0.0.1:${HTTP_PORT}/
  curl -H 'Host: demo.local' http://127.0.0.1:${HTTP_PORT}/hello
  curl -H 'Host: web.apps.local' http://127.0.0.1:${HTTP_PORT}/
  curl -H 'Host: lanes.local' -H 'X-Lane: feature-a' http://127.0.0.1:${HTTP_PORT}/   # a traffic lane
  curl -i -H 'Host: secure.local' http://127.0.0.1:${HTTP_PORT}/        # 308 to https
  curl -k --resolve secure.local:${HTTPS_PORT}:127.0.0.1 https://secure.local:${HTTPS_PORT}/
  curl -i http://127.0.0.1:${HTTP_PORT}/nothing-here                     # default backend / 404
  curl http://127.0.0.1:${STATUS_PORT}/healthz

EOT
bin/portico --manifests examples --bind-address 127.0.0.1 \
  --http-port "$HTTP_PORT" --https-port "$HTTPS_PORT" --status-port "$STATUS_PORT" \
  --work-dir .work/demo --log-format text
