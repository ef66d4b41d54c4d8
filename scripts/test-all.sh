#!/usr/bin/env bash
# Everything the tests need, then every test: system packages (once), a private Docker engine,
# the cached fleet-host image, typecheck, lint, unit and integration tests.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for bin in dockerd:docker.io debootstrap:debootstrap ssh-keygen:openssh-client iptables:iptables curl:curl; do
  command -v "${bin%%:*}" >/dev/null 2>&1 || need+=("${bin##*:}")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
[ -d node_modules ] || npm ci --no-audit --no-fund

bash test/fleet/start-dockerd.sh >/dev/null
echo "fleet base image: $(bash test/fleet/build-base.sh)"

npm run -s typecheck
npm run -s lint
results=$(mktemp)
status=0
npx vitest run --reporter=default --reporter=json --outputFile="$results" || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' "$results" || true
exit $status
