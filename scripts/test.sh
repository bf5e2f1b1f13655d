#!/usr/bin/env bash
# Install everything the test suite needs, then run the whole suite (browser tests included).
# Usage: bash scripts/test.sh [pytest arguments]   e.g. bash scripts/test.sh -m "not slow and not browser"
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-system-deps.sh          # Debian's chromium and a CJK font
python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'
# Both cores (pytest-xdist); pytest-benchmark, when some other project installed it, would refuse to run
# beside xdist. pytest exits 5 when nothing was collected: that fails this script too.
exec python3 -m pytest -n 2 -p no:benchmark "$@"
