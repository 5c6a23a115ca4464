#!/usr/bin/env bash
# The main job on the committed samples: set up, ingest them on the embedded
# index, print the report and one search typed without diacritics.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export SOHOA_DATA_DIR=${SOHOA_DATA_DIR:-$PWD/sohoa-data}
sohoa=.venv/bin/sohoa
status=0
"$sohoa" ingest samples/scans --batch "demo-hop-01" --fonds "SGDĐT-HP" --box "Hộp 01" --file-code "HS-2010-01" || status=$?
echo
"$sohoa" report
echo
echo '$ sohoa search "nguyen van an"'
"$sohoa" search "nguyen van an"
exit "$status"
