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
unit=$(mktemp)
integration=$(mktemp)
status=0
npx vitest run test/unit --reporter=default --reporter=json --outputFile="$unit" || status=$?
# Real fleet hosts, Docker workloads and SSH: one file at a time, so suites do not fight for 2 cores.
npx vitest run test/integration --no-file-parallelism --reporter=default --reporter=json --outputFile="$integration" || status=$?
node -e '
  const fs = require("fs");
  let passed = 0, failed = 0, skipped = 0;
  for (const f of process.argv.slice(1)) {
    try {
      const r = JSON.parse(fs.readFileSync(f, "utf8"));
      passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests + r.numTodoTests;
    } catch { failed += 1; }
  }
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
' "$unit" "$integration" || true
exit $status
