#!/usr/bin/env bash
# Regenerates docs/report.png, the README's picture of the report: three nightly runs of the
# example data (each a different 80% sample, tagged with its date), the report of the last one,
# and a headless chromium screenshot of its top 2,400 pixels.
set -euo pipefail
cd "$(dirname "$0")/.."
chromium="${CHROMIUM:-$(command -v chromium || true)}"
if [[ -z "$chromium" ]]; then echo "error: needs chromium (apt-get install chromium) or CHROMIUM=/path" >&2; exit 2; fi
scripts/run-local.sh >/dev/null # writes the example predictions once
out=data/screenshot-metrics
rm -rf "$out"
for day in 22 23 24; do
  scripts/run-local.sh -- --input data/example-predictions --output "$out" --label label --logit logit --weight weight \
    --slice model --slice model,country --min-slice-rows 66600 --run-id "2026-11-$day" \
    --tag "dataset_date=2026-11-$day" --where "rand($day) < 0.8" >/dev/null
done
"$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars --disable-background-networking \
  --window-size=1100,2400 --screenshot=docs/report.png "file://$PWD/$out/run_id=2026-11-24/_report.html" 2>/dev/null
echo "wrote docs/report.png"
