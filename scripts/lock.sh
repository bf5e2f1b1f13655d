#!/usr/bin/env bash
# Rewrite requirements/base.lock and requirements/test.lock from pyproject.toml's ranges: the newest versions
# they allow, every package pinned with its hashes, for every platform and Python from 3.11 on (uv --universal).
# Run after changing the dependencies, then run the suite (bash scripts/test.sh) and commit the locks.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
use_venv .venv requirements/test.lock
python -m pip install --quiet --disable-pip-version-check uv
compile=(python -m uv pip compile pyproject.toml --generate-hashes --universal --python-version 3.11 --quiet)
"${compile[@]}" -o requirements/base.lock
"${compile[@]}" --extra test -o requirements/test.lock
echo "lock: requirements/base.lock and requirements/test.lock rewritten; run bash scripts/test.sh, then commit them"
