#!/usr/bin/env bash
# Rebuild the golden copy of the example site (tests/golden/, zh-CN and en at a fixed as-of date) after an
# intended change to the output; review and commit the diff of tests/golden/ with the change.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
use_venv .venv requirements/test.lock
python tests/golden.py
