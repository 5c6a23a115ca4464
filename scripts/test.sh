#!/usr/bin/env bash
# Set up and run the whole test suite (pytest arguments pass through).
#
# The tests run in two processes (pytest-xdist), each with its own Elasticsearch node and PostgreSQL
# server: pages are read by Tesseract with one thread a process, and much of the rest waits on servers.
# Give -n N to choose (-n 0: one process, as plain pytest; -p no:xdist: no pytest-xdist at all).
set -euo pipefail
cd "$(dirname "$0")/.."
SOHOA_SETUP_TEST=1 scripts/setup.sh
workers=(-n 2)
for arg in "$@"; do
    case "$arg" in -n|-n[0-9]*|--numprocesses|--numprocesses=*|no:xdist|-pno:xdist) workers=() ;; esac
done
exec .venv/bin/python -m pytest "${workers[@]}" "$@"
