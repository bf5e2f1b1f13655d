#!/usr/bin/env bash
# Install Trackboard into .venv/ (a virtual environment this script makes, with the versions pinned in
# requirements/base.lock) and build the example site (the repository root) into output/.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh

bash scripts/install-system-deps.sh --fonts-only   # a CJK font for charts, the PDF libraries; skipped when present
use_venv .venv requirements/base.lock
echo "Trackboard is installed in .venv/: run it as .venv/bin/trackboard, or as trackboard after 'source .venv/bin/activate'."
trackboard build .
