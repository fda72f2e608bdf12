#!/usr/bin/env python3
"""Plain BM25 baseline for the judged relevance sets: SQLite FTS5, Python standard library only.

    python3 tests/relevance/bm25.py --content /tmp/erfa-unseen \
        --queries tests/relevance/unseen-frozen.tsv --run /tmp/bm25-frozen.run

What it does, so that the baseline is plain and reproducible:

- Documents: every `*.md` under CONTENT (no part of the path starting with `.`, no file
  starting with `_`, no symbolic links: the files erfa reads). Document id = path under
  CONTENT without `.md`, forward slashes (erfa's slug).
- Two columns, weighted alike (bm25(docs, 1.0, 1.0)): `title` (front matter) and `body`
  (front-matter `summary` followed by the Markdown body, markup left as it is). Other
  front-matter fields are not indexed.
- Tokenizer: FTS5 `unicode61 remove_diacritics 0`: lower-cased, split on anything that is
  not a letter or digit, Danish æ/ø/å kept as they are. No stemming, no stop words.
- Query: the same tokens, each quoted and ORed (`"a" OR "b"`), so quotes, + and - in the
  query are ignored and a quoted phrase counts as its words. Ranked by FTS5's bm25()
  (k1 = 1.2, b = 0.75), best first, at most --depth (100) per query.
- Output: a TREC run, `qid Q0 docid rank score tag`, score falling with the rank.
"""

import argparse
import os
import re
import sqlite3
import sys

TOKEN = re.compile(r"\w+", re.UNICODE)


def front_matter(text):
    """(title, summary, body) of a write-up; the front matter is read line by line."""
    title, summary, body = "", "", text
    if text.startswith("---"):
        end = text.find("\n---", 3)
        if end != -1:
            head = text[3:end]
            body = text[end + 4:]
            for line in head.splitlines():
                m = re.match(r"^(title|summary):\s*(.*)$", line)
                if not m:
                    continue
                value = m.group(2).strip()
                if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                    value = value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
                if m.group(1) == "title":
                    title = value
                else:
                    summary = value
    return title, summary, body


def documents(content):
    for root, dirs, files in os.walk(content):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and not os.path.islink(os.path.join(root, d)))
        for name in sorted(files):
            path = os.path.join(root, name)
            if (not name.endswith(".md") or name.startswith(".") or name.startswith("_")
                    or os.path.islink(path)):
                continue
            rel = os.path.relpath(path, content).replace(os.sep, "/")[:-3]
            with open(path, encoding="utf-8", errors="replace") as f:
                title, summary, body = front_matter(f.read())
            yield rel, title, summary + "\n\n" + body


def read_queries(path):
    queries = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n\r")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            parts = line.split("\t")
            qid, text = parts[0], parts[-1]
            if qid.lower() in ("qid", "id", "query_id"):
                continue
            queries.append((qid, text))
    return queries


def fts_query(text):
    words = []
    for w in TOKEN.findall(text.lower()):
        if w not in words:
            words.append(w)
    return " OR ".join('"%s"' % w for w in words)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--content", default="/tmp/erfa-unseen")
    ap.add_argument("--queries", required=True)
    ap.add_argument("--run", help="TREC run file to write (default: stdout)")
    ap.add_argument("--depth", type=int, default=100)
    ap.add_argument("--tag", default="bm25-fts5")
    args = ap.parse_args()

    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, "
               "tokenize = 'unicode61 remove_diacritics 0')")
    n = 0
    for rel, title, body in documents(args.content):
        db.execute("INSERT INTO docs (id, title, body) VALUES (?, ?, ?)", (rel, title, body))
        n += 1
    print(f"bm25.py: indexed {n} documents from {args.content}", file=sys.stderr)

    out = open(args.run, "w", encoding="utf-8") if args.run else sys.stdout
    for qid, text in read_queries(args.queries):
        q = fts_query(text)
        rows = []
        if q:
            rows = db.execute(
                "SELECT id FROM docs WHERE docs MATCH ? "
                "ORDER BY bm25(docs, 0.0, 1.0, 1.0), id LIMIT ?",
                (q, args.depth)).fetchall()
        for i, (doc,) in enumerate(rows):
            out.write(f"{qid} Q0 {doc} {i + 1} {len(rows) - i} {args.tag}\n")
    if args.run:
        out.close()


if __name__ == "__main__":
    main()
