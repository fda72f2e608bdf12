#!/usr/bin/env bash
# The same generated write-ups in a plain tantivy index served by tantivy-cli, for the
# HTTP comparison in docs/BENCHMARKS.md. Title and whole text, English stemming, no
# facets, no snippets, no scopes: the floor of what a tantivy server costs.
#
#   cargo install tantivy-cli --root /tmp/tcli
#   benches/http/tantivy-cli.sh <corpus folder> <index folder> 18282
#   wrk -t2 -c64 -d30s --latency -s benches/http/tantivy-cli.lua http://127.0.0.1:18282
set -euo pipefail
corpus=$1
index=$2
port=${3:-18282}
tantivy=${TANTIVY:-tantivy}
rm -rf "$index"
mkdir -p "$index"
cat > "$index/meta.json" <<'JSON'
{"index_settings":{"docstore_compression":"lz4","docstore_blocksize":16384},"segments":[],"schema":[{"name":"title","type":"text","options":{"indexing":{"record":"position","fieldnorms":true,"tokenizer":"en_stem"},"stored":true,"fast":false}},{"name":"body","type":"text","options":{"indexing":{"record":"position","fieldnorms":true,"tokenizer":"en_stem"},"stored":true,"fast":false}}],"opstamp":0}
JSON
python3 - "$corpus" <<'PY' | "$tantivy" index -i "$index"
import json, pathlib, sys
for path in sorted(pathlib.Path(sys.argv[1]).rglob("*.md")):
    text = path.read_text(encoding="utf-8")
    title, body = path.stem, text
    if text.startswith("---\n"):
        head, _, body = text[4:].partition("\n---\n")
        for line in head.splitlines():
            if line.startswith("title:"):
                title = line[6:].strip()
    print(json.dumps({"title": title, "body": body}, ensure_ascii=False))
PY
exec "$tantivy" serve -i "$index" --host 127.0.0.1 --port "$port"
