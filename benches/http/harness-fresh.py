#!/usr/bin/env python3
"""The request paths of benches/http/harness-fresh.lua: each query of the peer harness's
queries file (JSON lines with a "q" field) on pages 1 to 3, page by page, one path a line;
a query the file repeats is repeated here too, as the harness sends it.

    python3 benches/http/harness-fresh.py /tmp/q10k.jsonl > /tmp/fresh-paths.txt
"""

import json
import sys
import urllib.parse


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: harness-fresh.py QUERIES.jsonl > PATHS")
    with open(sys.argv[1], encoding="utf-8") as f:
        queries = [json.loads(line)["q"] for line in f if line.strip()]
    for page in (1, 2, 3):
        for q in queries:
            print(f"/api/search?q={urllib.parse.quote(q)}&page={page}")


if __name__ == "__main__":
    main()
