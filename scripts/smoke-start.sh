#!/usr/bin/env bash
# Starts the built service on an empty embedded database, as a newcomer would, and checks that
# /health/ready answers 200 within 30 s, that /docs renders, and that SIGTERM stops it cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."

data_dir=$(mktemp -d)
port=${SMOKE_PORT:-3917}
log="$data_dir/service.log"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$data_dir"' EXIT

start=$(date +%s%N)
env -u DATABASE_URL DATA_DIR="$data_dir/data" PORT="$port" NODE_ENV=development node dist/src/main.js >"$log" 2>&1 &
pid=$!

ready=""
for _ in $(seq 1 300); do
  if curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then ready=yes; break; fi
  if ! kill -0 "$pid" 2>/dev/null; then break; fi
  sleep 0.1
done
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
if [ -z "$ready" ]; then
  echo "smoke: /health/ready did not answer 200 within 30 s"; tail -n 40 "$log"; exit 1
fi
echo "smoke: /health/ready 200 after ${elapsed_ms} ms on an empty embedded database"

curl -fsS "http://127.0.0.1:$port/docs/" | grep -q 'swagger-ui' || { echo "smoke: /docs did not render"; exit 1; }
curl -fsS "http://127.0.0.1:$port/docs-json" | grep -q '"openapi"' || { echo "smoke: /docs-json missing"; exit 1; }
grep -q 'client_id=demo-coordinator' "$log" || { echo "smoke: demo instructions were not printed"; exit 1; }
token=$(curl -fsS -X POST "http://127.0.0.1:$port/v1/auth/token" -d grant_type=client_credentials -d client_id=demo-coordinator -d client_secret=demo-coordinator-secret | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
curl -fsS -H "Authorization: Bearer $token" "http://127.0.0.1:$port/v1/regions/RIJNSTAD" | grep -q '"code":"RIJNSTAD"' || { echo "smoke: demo coordinator cannot read its region"; exit 1; }
echo "smoke: /docs renders; demo coordinator token works"

kill -TERM "$pid"
for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then echo "smoke: still running 10 s after SIGTERM"; exit 1; fi
wait "$pid" && status=0 || status=$?
[ "$status" -eq 0 ] || { echo "smoke: exit status $status after SIGTERM"; tail -n 20 "$log"; exit 1; }
grep -q 'Stopped cleanly' "$log" || { echo "smoke: no clean stop logged"; exit 1; }
echo "smoke: SIGTERM stopped the service cleanly"
