#!/bin/sh
# Loads saved-objects.ndjson into OpenSearch Dashboards (the compose service `dashboards-objects` runs
# it once). Waits for Dashboards to be available, imports with overwrite (the file is the source of
# truth: edits made in the UI are replaced), and fails loudly on any import error.
#   OSD_URL=http://127.0.0.1:5601 sh deploy/opensearch-dashboards/load.sh   (outside compose)
set -eu
url="${OSD_URL:-http://opensearch-dashboards:5601}"
file="${OSD_OBJECTS:-$(dirname "$0")/saved-objects.ndjson}"
tries=0
until curl -fsS "$url/api/status" | grep -q '"state":"green"'; do
  tries=$((tries + 1))
  if [ "$tries" -ge 60 ]; then
    echo "dashboards-objects: $url/api/status not green after 5 minutes" >&2
    exit 1
  fi
  sleep 5
done
response="$(curl -sS -X POST "$url/api/saved_objects/_import?overwrite=true" -H 'osd-xsrf: true' \
  --form "file=@$file")"
case "$response" in
  *'"success":true'*) echo "dashboards-objects: imported $file: $response" ;;
  *) echo "dashboards-objects: import of $file failed: $response" >&2; exit 1 ;;
esac
