#!/usr/bin/env python3
"""Scores a TREC run against graded qrels, with the definitions of `erfa eval`
(crates/erfa-index/src/eval.rs).

    python3 tests/relevance/score.py --queries tests/relevance/unseen-frozen.tsv \
        --qrels tests/relevance/unseen-qrels.tsv /tmp/erfa-frozen.run

- Ranking: the run's lines for a query ordered by score, highest first, equal scores in
  file order; a repeated document keeps its first place. Only the first 100 count.
- nDCG@10: gain = grade (negative = 0), discount log2(rank + 1), ideal ranking built from
  all judged documents of the query.
- MAP@100: binary, relevant = grade >= 1; average precision over the ranking, divided by
  the number of relevant documents judged.
- recall@100: relevant documents in the first 100 over all relevant judged.
- Queries without a relevant judgment are skipped (counted); a query with judgments but
  no results scores 0. Unjudged documents count as not relevant.
Prints the mean overall and per group (the group column of the query file); groups named
`language-type` (en-keyword, da2en-typo, ...) are also averaged per language and per type,
query by query (not a mean of group means).
"""

import argparse
import math
from collections import OrderedDict, defaultdict

DEPTH = 100


def lines(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n\r")
            if line.strip() and not line.lstrip().startswith("#"):
                yield line


def read_queries(path):
    queries = []
    for line in lines(path):
        parts = [p.strip() for p in line.split("\t")]
        if parts[0].lower() in ("qid", "id", "query_id", "queryid"):
            continue
        qid, group = parts[0], (parts[1] if len(parts) == 3 else "")
        queries.append((qid, group))
    return queries


def read_qrels(path):
    qrels = defaultdict(dict)
    for line in lines(path):
        parts = line.split("\t") if "\t" in line else line.split()
        parts = [p.strip() for p in parts]
        q, d, g = (parts[0], parts[1], parts[2]) if len(parts) == 3 else (parts[0], parts[2], parts[3])
        try:
            qrels[q][d] = int(g)
        except ValueError:
            continue
    return qrels


def read_run(path):
    run = defaultdict(list)
    for line in lines(path):
        p = line.split()
        run[p[0]].append((p[2], float(p[4])))
    ranked = {}
    for q, results in run.items():
        results.sort(key=lambda r: -r[1])  # stable: ties keep file order
        seen, ranking = set(), []
        for doc, _ in results:
            if doc not in seen:
                seen.add(doc)
                ranking.append(doc)
        ranked[q] = ranking[:DEPTH]
    return ranked


def score(judged, ranking):
    relevant = sum(1 for g in judged.values() if g >= 1)
    if relevant == 0:
        return None
    gain = lambda d: max(judged.get(d, 0), 0)
    dcg = sum(gain(d) / math.log2(i + 2) for i, d in enumerate(ranking[:10]))
    ideal = sorted((max(g, 0) for g in judged.values()), reverse=True)[:10]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    ndcg = dcg / idcg if idcg > 0 else 0.0
    hits, psum = 0, 0.0
    for i, d in enumerate(ranking):
        if judged.get(d, 0) >= 1:
            hits += 1
            psum += hits / (i + 1)
    return ndcg, psum / relevant, hits / relevant


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--queries", required=True)
    ap.add_argument("--qrels", required=True)
    ap.add_argument("--per-query", action="store_true", help="also print every query's scores")
    ap.add_argument("run")
    args = ap.parse_args()

    queries = read_queries(args.queries)
    qrels = read_qrels(args.qrels)
    run = read_run(args.run)
    groups = OrderedDict()
    allm, skipped = [], defaultdict(int)
    for qid, group in sorted(queries, key=lambda q: q[1]):
        groups.setdefault(group, [])
    for qid, group in queries:
        m = score(qrels.get(qid, {}), run.get(qid, []))
        if m is None:
            skipped[group] += 1
            continue
        groups[group].append(m)
        allm.append(m)
        if args.per_query:
            print(f"{qid}\t{group}\t{m[0]:.3f}\t{m[1]:.3f}\t{m[2]:.3f}")

    def row(label, ms, skip):
        n = len(ms)
        avg = [sum(m[i] for m in ms) / n if n else 0.0 for i in range(3)]
        print(f"{label:<14} {n:>7} {skip:>7} {avg[0]:>8.3f} {avg[1]:>8.3f} {avg[2]:>8.3f}")

    print(f"{'group':<14} {'queries':>7} {'skipped':>7} {'nDCG@10':>8} {'MAP@100':>8} {'R@100':>8}")
    for group, ms in groups.items():
        row(group or "-", ms, skipped[group])
    # Groups named `language-type` (en-keyword, da2en-typo, ...) are also summed both ways.
    for part, label in ((0, "language"), (1, "type")):
        agg = OrderedDict()
        for group, ms in groups.items():
            if "-" in group:
                agg.setdefault(group.split("-", 1)[part], []).extend(ms)
        if len(agg) > 1:
            print(f"-- by {label}")
            for key, ms in sorted(agg.items()):
                row(key, ms, 0)
    row("all", allm, sum(skipped.values()))


if __name__ == "__main__":
    main()
