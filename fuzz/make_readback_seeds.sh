#!/bin/sh
# Build fuzz/seeds-readback/ for the `readback` target from real peakpath files: a Monte
# Carlo shard file (body, and whole), a sensitivity shard file (body), a central and a Monte
# Carlo run folder. Run from the crate root after `cargo build --release`.
set -eu
pp=target/release/peakpath
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
mkdir -p fuzz/seeds-readback
$pp run --runs 300 --shard 1/2 --out "$t/shard" --no-charts >/dev/null 2>&1
$pp sensitivity --method tornado --outcome co2:2030 --shard 1/2 --out "$t/sens" >/dev/null 2>&1
$pp run --runs 300 --out "$t/mc" --no-charts >/dev/null 2>&1
$pp run --central --out "$t/central" --no-charts >/dev/null 2>&1
body() { sed -e 's/^{"format":"[^"]*","sha256":"[0-9a-f]*","body"://' -e 's/}$//' "$1"; }
{ printf '\000'; body "$t/shard/shard.json"; } > fuzz/seeds-readback/mc_body
{ printf '\001'; body "$t/sens/sensitivity_shard.json"; } > fuzz/seeds-readback/sens_body
{ printf '\003'; cat "$t/shard/shard.json"; } > fuzz/seeds-readback/mc_whole
for d in mc central; do
  {
    printf '\002'
    first=1
    for f in run.json trajectories.csv indicators.csv summary.csv peak.csv parameters.csv; do
      [ $first = 1 ] || printf '\n%%%%\n'
      first=0
      [ -f "$t/$d/$f" ] && cat "$t/$d/$f"
    done
  } > "fuzz/seeds-readback/folder_$d"
done
ls -l fuzz/seeds-readback
