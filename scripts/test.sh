#!/usr/bin/env bash
# Install everything the test suite needs, then run the whole suite (browser tests included).
# Usage: bash scripts/test.sh [pytest arguments]   e.g. bash scripts/test.sh -m "not slow and not browser"
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-system-deps.sh          # Debian's chromium and a CJK font
python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'
# pytest exits 5 when nothing was collected: that must never pass silently.
exec python3 -m pytest "$@"
