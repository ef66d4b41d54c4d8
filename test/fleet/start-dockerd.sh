#!/usr/bin/env bash
# Start a private Docker engine for the tests (idempotent). Prints the socket path.
set -euo pipefail
. "$(dirname "$0")/env.sh"
mkdir -p "$MEDIC_DOCKER_DIR"
if DOCKER_HOST="unix://$MEDIC_DOCKER_SOCK" docker version >/dev/null 2>&1; then
  echo "$MEDIC_DOCKER_SOCK"; exit 0
fi
rm -f "$MEDIC_DOCKER_SOCK" "$MEDIC_DOCKER_DIR/dockerd.pid"
nohup dockerd --host "unix://$MEDIC_DOCKER_SOCK" \
  --data-root "$MEDIC_DOCKER_DIR/data" --exec-root "$MEDIC_DOCKER_DIR/exec" \
  --pidfile "$MEDIC_DOCKER_DIR/dockerd.pid" \
  >"$MEDIC_DOCKER_DIR/dockerd.log" 2>&1 &
for _ in $(seq 1 60); do
  if DOCKER_HOST="unix://$MEDIC_DOCKER_SOCK" docker version >/dev/null 2>&1; then
    echo "$MEDIC_DOCKER_SOCK"; exit 0
  fi
  sleep 0.5
done
echo "dockerd did not start; last log lines:" >&2
tail -20 "$MEDIC_DOCKER_DIR/dockerd.log" >&2
exit 1
