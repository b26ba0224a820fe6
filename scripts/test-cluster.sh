#!/usr/bin/env bash
# npm run test:cluster: the fault tests (vitest project "cluster") on the cluster stack: 3 KRaft
# brokers (RF 3, min ISR 2) and 3 OpenSearch nodes, on the cluster mode's own ports and state dir
# (never the single stack's 9092/9200, which npm test uses). Starts the cluster if it is not running and
# then stops it again; the tests kill and restart brokers and nodes through stack.sh with the same env.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
export WIKISTREAM_STACK_MODE=cluster
# Five minutes to healthy: three OpenSearch nodes forming a cluster on a loaded 2-core machine.
export WIKISTREAM_START_TIMEOUT="${WIKISTREAM_START_TIMEOUT:-300}"
results="$(mktemp -d)"
t0=$SECONDS

step() { printf '\n== %s\n' "$*"; }

step "cluster stack"
started_stack=0
if ! bash deploy/local/stack.sh status >/dev/null 2>&1; then started_stack=1; fi
cleanup() { [[ $started_stack == 1 ]] && bash deploy/local/stack.sh down; rm -rf "$results"; }
trap cleanup EXIT
bash deploy/local/stack.sh up
eval "$(bash deploy/local/stack.sh env)"

step "fault tests on the cluster (kill -9 a leader, rolling restart, kill -9 an OpenSearch node)"
status=0
vitest run --project cluster --reporter=default --reporter=json --outputFile.json="$results/cluster.json" \
  || status=$?

node scripts/test-summary.ts "$results/cluster.json"
echo "test:cluster took $((SECONDS - t0)) s (cluster start included)"
exit $status
