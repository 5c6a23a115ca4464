#!/usr/bin/env bash
# Install everything sohoa needs on a fresh Debian/Ubuntu machine, idempotently:
# system packages (Tesseract with the Vietnamese model, poppler, fonts) through
# apt when missing, and the Python packages into ./.venv pinned by constraints.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v tesseract >/dev/null 2>&1 || need_apt+=(tesseract-ocr)
if ! tesseract --list-langs 2>/dev/null | grep -qx vie; then need_apt+=(tesseract-ocr-vie); fi
if ! tesseract --list-langs 2>/dev/null | grep -qx eng; then need_apt+=(tesseract-ocr-eng); fi
if ! tesseract --list-langs 2>/dev/null | grep -qx osd; then need_apt+=(tesseract-ocr-osd); fi
command -v pdftoppm >/dev/null 2>&1 || need_apt+=(poppler-utils)
[ -e /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf ] || need_apt+=(fonts-liberation2)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need_apt+=(fonts-dejavu-core)
if [ "${SOHOA_SETUP_TEST:-0}" = 1 ]; then
    # The test suite starts a real Elasticsearch node (Java, fetched with Maven).
    command -v java >/dev/null 2>&1 || need_apt+=(openjdk-17-jre-headless)
    command -v mvn >/dev/null 2>&1 || need_apt+=(maven)
    command -v unzip >/dev/null 2>&1 || need_apt+=(unzip)
    command -v curl >/dev/null 2>&1 || need_apt+=(curl)
    # The ledger's PostgreSQL tests start a real server (initdb from Debian's package).
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
    # End-to-end web tests drive Debian's Chromium (never a downloaded browser).
    command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
    echo "setup: installing system packages: ${need_apt[*]}" >&2
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
if [ "${SOHOA_SETUP_TEST:-0}" = 1 ]; then
    # The record PDFs are checked as PDF/A-2b by veraPDF (a jar from Maven Central, run with Java).
    scripts/verapdf/fetch.sh >/dev/null
fi

PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
    echo "setup: Python 3.11 or newer is required (found $("$PY" --version 2>&1))" >&2
    exit 1
fi
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv 2>/dev/null || {
        SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
        $SUDO apt-get install -y -qq python3-venv >/dev/null && "$PY" -m venv .venv
    }
fi
stamp=.venv/.sohoa-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ constraints.txt -nt "$stamp" ]; then
    echo "setup: installing Python packages into .venv" >&2
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -c constraints.txt -e '.[dev]'
    touch "$stamp"
fi
