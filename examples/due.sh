#!/bin/sh
# Rebuild when build.json says a page changes today (a notice published or expiring, a meeting passing…).
#
#   examples/due.sh SITE SERVED_FOLDER [extra trackboard build options…]
#
# Run it from cron shortly after midnight (in the site's time zone). It reads `next_change` from the
# last build.json and rebuilds only when that date has come; otherwise it does nothing and exits 0.
set -eu

SITE=${1:?usage: due.sh SITE SERVED_FOLDER [options]}
OUT=${2:?usage: due.sh SITE SERVED_FOLDER [options]}
TODAY=$(TZ=${TRACKBOARD_TZ:-Asia/Shanghai} date +%F)

NEXT=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1], encoding="utf-8")).get("next_change") or "")' \
       "$OUT/build.json" 2>/dev/null || true)
if [ -z "$NEXT" ] || [ "$NEXT" \> "$TODAY" ]; then
    exit 0   # nothing scheduled, or not yet
fi
exec "$(dirname "$0")/rebuild.sh" "$@"
