#!/usr/bin/env bash
# Install everything the test suite needs, then run the whole suite (browser, golden and type checks included).
# Usage: bash scripts/test.sh [pytest arguments]            e.g. bash scripts/test.sh -m "not slow and not browser"
#        bash scripts/test.sh --newest [pytest arguments]   the same suite against the newest versions the ranges allow
# The packages go into a virtual environment this script makes: .venv/ with the versions pinned in
# requirements/test.lock (what CI tests and users get), or .venv-newest/ with --newest.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh

bash scripts/install-system-deps.sh          # Debian's chromium, a CJK font, Java for the HTML checker, WeasyPrint's
                                             # libraries and poppler-utils (the tests read the PDFs back)
if [ "${1:-}" = "--newest" ]; then
    shift
    use_venv .venv-newest newest '[test]'
else
    use_venv .venv requirements/test.lock
fi
# Both cores (pytest-xdist); pytest-benchmark, when some other project installed it, would refuse to run
# beside xdist. pytest exits 5 when nothing was collected: that fails this script too.
exec python -m pytest -n 2 -p no:benchmark "$@"
