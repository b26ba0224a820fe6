#!/usr/bin/env bash
# The README's test command (npm test): lint, typecheck, unit tests, then integration and end-to-end
# tests against a real Kafka and OpenSearch that it starts itself, and stops again if it started them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/node_modules/.bin:$PATH"   # Node 24, bun and deno from devDependencies
results="$(mktemp -d)"

step() { printf '\n== %s\n' "$*"; }

step "lint (biome)"
biome check .

step "typecheck"
turbo run typecheck --output-logs=errors-only
tsc -p .   # the root scripts and end-to-end tests

step "unit tests"
unit_status=0
vitest run --project unit --reporter=default --reporter=json --outputFile.json="$results/unit.json" || unit_status=$?

step "local stack"
started_stack=0
if ! bash deploy/local/stack.sh status >/dev/null 2>&1; then started_stack=1; fi
cleanup() { [[ $started_stack == 1 ]] && bash deploy/local/stack.sh down; rm -rf "$results"; }
trap cleanup EXIT
bash deploy/local/stack.sh up
eval "$(bash deploy/local/stack.sh env)"

step "integration and end-to-end tests (real Kafka + OpenSearch)"
int_status=0
vitest run --project integration --reporter=default --reporter=json --outputFile.json="$results/integration.json" \
  || int_status=$?

node scripts/test-summary.ts "$results/unit.json" "$results/integration.json"
[[ $unit_status == 0 && $int_status == 0 ]]
