#!/bin/sh
# Build fuzz/seeds/ from the shipped scenarios and the test fixtures. Run from the crate root.
# One-file seeds are the files as they are; two-file seeds are "a.toml" re-pointed at
# `extends = "b.toml"`, the separator line `%%`, then baseline.toml (the one standalone
# scenario) as b.toml, which is how the fuzz target splits its input.
set -eu
mkdir -p fuzz/seeds
for f in scenarios/*.toml tests/fixtures/*/*.toml; do
  cp "$f" "fuzz/seeds/$(basename "$(dirname "$f")")_$(basename "$f")"
done
for f in tests/fixtures/*/*.toml scenarios/plan.toml scenarios/enhanced.toml; do
  if grep -q '^.\{0,3\}extends = ".*\(plan\|baseline\)' "$f"; then
    { sed 's#^\(.\{0,3\}\)extends = .*#\1extends = "b.toml"#' "$f"; printf '\n%%%%\n'; cat scenarios/baseline.toml; } \
      > "fuzz/seeds/pair_$(basename "$f")"
  fi
done
printf 'extends = "b.toml"\n[scenario]\nid = "x"\n\n%%%%\nextends = "a.toml"\n' > fuzz/seeds/pair_cycle.toml
