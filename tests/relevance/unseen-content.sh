#!/bin/sh
# Builds an erfa content folder from the ITSM corpora in /work/shared/corpora (every corpus
# folder except ir-cranfield), for the judged "unseen content" set (unseen-*.tsv).
#
#   tests/relevance/unseen-content.sh [--no-glossary] [DIR] [CORPORA]
#
# DIR defaults to /tmp/erfa-unseen, CORPORA to /work/shared/corpora (or $ERFA_CORPORA).
# The files are copied, not linked (erfa does not follow symbolic links), keeping their
# paths, so a write-up's slug - and the document id in unseen-qrels.tsv - is its path under
# the corpora root without `.md`, e.g. `postmortems-dfds/2021-02-10-foo`.
# The shipped glossary (content/_glossary.yaml of this repository) is copied in as well,
# because erfa reads the glossary from the content folder it searches; --no-glossary leaves
# it out (`erfa eval --no-glossary` switches it off without rebuilding the folder).
# Not used by `cargo test`.
set -eu

glossary=yes
if [ "${1:-}" = "--no-glossary" ]; then
    glossary=no
    shift
fi
dir=${1:-/tmp/erfa-unseen}
corpora=${2:-${ERFA_CORPORA:-/work/shared/corpora}}
repo=$(cd "$(dirname "$0")/../.." && pwd)

if [ ! -d "$corpora" ]; then
    echo "no corpora folder at $corpora" >&2
    exit 1
fi
if [ -e "$dir" ]; then
    if [ ! -f "$dir/.erfa-unseen" ]; then
        echo "$dir exists and was not made by this script; remove it or pick another" >&2
        exit 1
    fi
    rm -rf "$dir"
fi
mkdir -p "$dir"
touch "$dir/.erfa-unseen"

for corpus in "$corpora"/*/; do
    name=$(basename "$corpus")
    [ "$name" = "ir-cranfield" ] && continue
    # -L: copy the files a link points to, never the link itself.
    cp -RL "$corpus" "$dir/$name"
done

if [ "$glossary" = yes ]; then
    cp "$repo/content/_glossary.yaml" "$dir/_glossary.yaml"
fi

count=$(find "$dir" -type f -name '*.md' | wc -l)
echo "$dir: $count write-ups (glossary: $glossary)"
