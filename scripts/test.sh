#!/usr/bin/env bash
# Set up and run the whole test suite (pytest arguments pass through).
set -euo pipefail
cd "$(dirname "$0")/.."
SOHOA_SETUP_TEST=1 scripts/setup.sh
exec .venv/bin/python -m pytest "$@"
