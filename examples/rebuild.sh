#!/bin/sh
# Rebuild a Trackboard site once; safe to call from cron as often as you like.
#
#   examples/rebuild.sh SITE SERVED_FOLDER [extra trackboard build options…]
#
# - flock: a run that starts while the previous one is still building waits for it (up to 10 minutes), so two
#   builds never race for the same output folder.
# - The build writes SERVED_FOLDER in one atomic swap: the web server never shows a half-written site, and a
#   failed build leaves the previous site in place.
# - The exit code is trackboard's: 0 built, 1 input errors (or --strict found errors), 2 wrong command line;
#   cron mails whatever the script prints when MAILTO is set.
set -eu

SITE=${1:?usage: rebuild.sh SITE SERVED_FOLDER [options]}
OUT=${2:?usage: rebuild.sh SITE SERVED_FOLDER [options]}
shift 2
LOCK="${OUT%/}.lock"   # beside the served folder, not inside it (the folder is replaced on each build)

exec flock --wait 600 "$LOCK" trackboard build "$SITE" --out "$OUT" "$@"
