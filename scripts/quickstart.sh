#!/usr/bin/env bash
# Install Trackboard and build the example site (the repository root) into output/.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-system-deps.sh --fonts-only   # a CJK font for charts; skipped when present
python3 -m pip install --quiet --disable-pip-version-check .
trackboard build .
