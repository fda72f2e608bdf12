#!/usr/bin/env bash
# Converts the Cranfield 1400 collection into an erfa content folder: one write-up per
# document, named <doc id>.md so that the slug equals the doc id used in the qrels.
#
#   tests/relevance/cranfield-to-content.sh [CRANFIELD_DIR] [OUT_DIR]
#
# CRANFIELD_DIR defaults to /work/shared/corpora/ir-cranfield, OUT_DIR to a new temp folder;
# the script prints OUT_DIR. It reads documents.jsonl ({id, title, author, bib, text}) and
# writes front matter with the title (the .T field, "Cranfield document N" when empty),
# kind: practice, language: en, a fixed date (so `erfa check` has nothing to warn about) and
# tag cranfield. The body is the .W abstract unchanged; it already repeats the title, as in
# the original, so the title is not added again as a heading.
#
# Not part of `cargo test`: tests must not depend on /work/shared. Needs jq.
set -euo pipefail

src="${1:-/work/shared/corpora/ir-cranfield}"
out="${2:-$(mktemp -d -t erfa-cranfield.XXXXXX)}"
mkdir -p "$out"

command -v jq >/dev/null || { echo "jq is needed" >&2; exit 1; }
[ -f "$src/documents.jsonl" ] || { echo "no $src/documents.jsonl" >&2; exit 1; }

# jq writes one NUL-separated record per document: id, then the whole file text.
jq -j '
  def yaml_string: tojson;   # a JSON string is a valid double-quoted YAML scalar
  (if (.title // "" | gsub("\\s"; "")) == "" then "Cranfield document \(.id)" else .title end) as $title
  | .id, "\u0000",
    "---\n",
    "title: ", ($title | gsub("\\s+"; " ") | yaml_string), "\n",
    "kind: practice\n",
    "language: en\n",
    "date: 1960-01-01\n",
    "tags: [cranfield]\n",
    "---\n\n",
    (.text // ""), "\n", "\u0000"
' "$src/documents.jsonl" |
while IFS= read -r -d '' id && IFS= read -r -d '' body; do
    printf '%s' "$body" > "$out/$id.md"
done

count=$(find "$out" -maxdepth 1 -name '*.md' | wc -l)
echo "$count write-ups in $out" >&2
echo "$out"
