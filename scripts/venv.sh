#!/usr/bin/env bash
# Sourced by quickstart.sh and test.sh: make (once) and activate a virtual environment with the locked versions.
#   use_venv DIR LOCKFILE   DIR/ holds the environment; LOCKFILE pins every package with its hashes
#   use_venv DIR newest     no lock: the newest versions pyproject.toml's ranges allow (to see a new release break here first)
# Debian 12 and 13 refuse `pip install` into the system Python (PEP 668), so everything goes into DIR.
set -euo pipefail

venv_log() { printf 'venv: %s\n' "$*"; }

use_venv() {
    local dir=$1 lock=$2 extra=${3:-}
    if [ ! -x "$dir/bin/python" ]; then
        venv_log "creating $dir/ (a virtual environment for Trackboard and its dependencies)"
        if ! python3 -m venv "$dir" 2>/dev/null; then
            rm -rf "$dir"
            bash scripts/install-system-deps.sh --venv-only   # Debian ships venv and ensurepip apart from python3
            python3 -m venv "$dir"
        fi
    fi
    # shellcheck disable=SC1091
    source "$dir/bin/activate"
    local stamp="$dir/.trackboard-installed" want
    if [ "$lock" = newest ]; then
        want="newest $(date +%F)"   # once a day: the newest versions move
    else
        want="$(sha256sum "$lock" pyproject.toml | sha256sum | cut -c1-64)"
    fi
    if [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
        return 0
    fi
    local pip=(python -m pip install --quiet --disable-pip-version-check)
    if [ "$lock" = newest ]; then
        venv_log "installing the newest versions the ranges in pyproject.toml allow into $dir/"
        "${pip[@]}" --upgrade --upgrade-strategy eager -e ".$extra"
    else
        venv_log "installing the locked versions of $lock into $dir/"
        "${pip[@]}" --require-hashes --no-deps -r "$lock"
        "${pip[@]}" --no-deps -e .
    fi
    echo "$want" > "$stamp"
}
