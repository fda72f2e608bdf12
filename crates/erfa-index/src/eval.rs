//! Offline evaluation of ranking quality against judged queries (TREC style).
//!
//! A *query set* names queries by id and group; *qrels* grade documents for each query
//! (2 = directly answers, 1 = partly, 0 = judged not relevant; Cranfield uses 1–4); a
//! *run* is a ranked list of documents per query, written by a search engine. This module
//! reads all three, computes per query and per group:
//!
//! - **nDCG@10** with graded gains (gain = grade, negative grades count as 0), the standard
//!   `log2(rank + 1)` discount, and the ideal ranking built from *all* judged documents of
//!   the query;
//! - **MAP**, binary: a document is relevant when its grade is at least 1; average precision
//!   is taken over the whole ranking and divided by the number of relevant documents judged;
//! - **recall@100**: relevant documents in the first 100, over all relevant documents judged.
//!
//! Queries with no relevant judgment (no grade ≥ 1) cannot be scored: they are left out of
//! every average and counted as skipped. A query that has relevant judgments but no results
//! scores 0. Documents without a judgment count as not relevant.
//!
//! A ranking from the engine is scored in the order the engine gives it — the order a
//! member sees, which puts write-ups with every word (and at least 0.3 of the best score)
//! above higher scores. A ranking read from a TREC run file is ordered by score, highest
//! first, equal scores keeping the file's order (`trec_eval` breaks such ties by document
//! id instead). [`write_run`] writes a score that falls with the rank, so that a run file
//! evaluates to the order it came from.
//!
//! ```
//! use erfa_index::eval::{evaluate_with, parse_qrels, parse_queries};
//!
//! let queries = parse_queries("q1\ten\tchange freeze\n")?;
//! let qrels = parse_qrels("q1\tchange/julefrys\t2\nq1\trelease/train\t1\n")?;
//! let (run, evaluation) = evaluate_with(&queries, &qrels, |_query| {
//!     vec![("change/julefrys".to_string(), 9.5), ("other".to_string(), 3.0)]
//! });
//! assert_eq!(run.ranking("q1").len(), 2);
//! assert!((evaluation.overall.map - 0.5).abs() < 1e-9);
//! println!("{evaluation}"); // a table: overall and per group
//! # Ok::<(), erfa_index::eval::EvalError>(())
//! ```

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Rank cut-off for nDCG.
pub const NDCG_DEPTH: usize = 10;
/// Rank cut-off for recall.
pub const RECALL_DEPTH: usize = 100;

/// What can go wrong while reading evaluation files.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// A line could not be understood.
    #[error("line {line}: {message}")]
    Parse {
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        message: String,
    },
    /// Reading a file failed.
    #[error("reading {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
}

impl EvalError {
    fn parse(line: usize, message: impl Into<String>) -> Self {
        EvalError::Parse {
            line,
            message: message.into(),
        }
    }
}

/// One query of a query set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// Query id, the key into qrels and runs.
    pub id: String,
    /// Group for per-group averages (`en`, `da`, `typo`, …); empty when the file has none.
    pub group: String,
    /// The query text as a user would type it.
    pub text: String,
}

/// Graded relevance judgments: query id → document id → grade.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Qrels {
    judgments: BTreeMap<String, BTreeMap<String, i32>>,
}

impl Qrels {
    /// Records a judgment; a later judgment of the same pair replaces the earlier one.
    pub fn insert(&mut self, query: &str, doc: &str, grade: i32) {
        self.judgments
            .entry(query.to_string())
            .or_default()
            .insert(doc.to_string(), grade);
    }

    /// The grade of `doc` for `query`, if judged.
    pub fn grade(&self, query: &str, doc: &str) -> Option<i32> {
        self.judgments.get(query)?.get(doc).copied()
    }

    /// All judgments of one query (document id → grade).
    pub fn judged(&self, query: &str) -> Option<&BTreeMap<String, i32>> {
        self.judgments.get(query)
    }

    /// Number of documents judged relevant (grade ≥ 1) for `query`.
    pub fn relevant_count(&self, query: &str) -> usize {
        self.judgments
            .get(query)
            .map_or(0, |docs| docs.values().filter(|&&g| g >= 1).count())
    }

    /// Ids of the queries that have at least one judgment.
    pub fn queries(&self) -> impl Iterator<Item = &str> {
        self.judgments.keys().map(String::as_str)
    }

    /// Number of judged (query, document) pairs.
    pub fn len(&self) -> usize {
        self.judgments.values().map(BTreeMap::len).sum()
    }

    /// True when nothing is judged.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Ranked results per query: query id → (document id, score), best first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Run {
    rankings: BTreeMap<String, Vec<(String, f32)>>,
}

impl Run {
    /// Sets the results of one query, replacing earlier ones. They are put in ranking order
    /// (score descending, ties in the given order) and a repeated document keeps only its
    /// first, best-ranked occurrence.
    pub fn insert(&mut self, query: &str, results: Vec<(String, f32)>) {
        self.rankings.insert(query.to_string(), rank(results));
    }

    /// Sets the results of one query in the order given (the order shown), replacing
    /// earlier ones; a repeated document keeps only its first occurrence.
    pub fn insert_shown(&mut self, query: &str, mut results: Vec<(String, f32)>) {
        let mut seen = HashSet::new();
        results.retain(|(doc, _)| seen.insert(doc.clone()));
        self.rankings.insert(query.to_string(), results);
    }

    /// The ranking of one query, best first; empty when the query has none.
    pub fn ranking(&self, query: &str) -> &[(String, f32)] {
        self.rankings.get(query).map_or(&[], Vec::as_slice)
    }

    /// Ids of the queries with a ranking.
    pub fn queries(&self) -> impl Iterator<Item = &str> {
        self.rankings.keys().map(String::as_str)
    }

    /// Number of queries with a ranking.
    pub fn len(&self) -> usize {
        self.rankings.len()
    }

    /// True when no query has a ranking.
    pub fn is_empty(&self) -> bool {
        self.rankings.is_empty()
    }
}

/// Sorts by score descending (stable, so ties keep their order) and drops repeated documents.
fn rank(mut results: Vec<(String, f32)>) -> Vec<(String, f32)> {
    results.sort_by(|a, b| b.1.total_cmp(&a.1));
    let mut seen = HashSet::new();
    results.retain(|(doc, _)| seen.insert(doc.clone()));
    results
}

/// Lines worth parsing: 1-based number and text, without blank lines and `#` comments.
fn content_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.trim_end_matches('\r')))
        .filter(|(_, line)| !line.trim().is_empty() && !line.trim_start().starts_with('#'))
}

/// Splits on TABs when the line has any, otherwise on runs of whitespace.
fn fields(line: &str) -> Vec<&str> {
    if line.contains('\t') {
        line.split('\t').map(str::trim).collect()
    } else {
        line.split_whitespace().collect()
    }
}

/// Reads a query set: `qid<TAB>group<TAB>query` or `qid<TAB>query` (group ""), one per line.
///
/// Blank lines and lines starting with `#` are ignored, and so is a header line whose first
/// field is `qid`, `query_id` or `id`. A repeated query id is an error.
pub fn parse_queries(text: &str) -> Result<Vec<Query>, EvalError> {
    let mut queries = Vec::new();
    let mut seen = HashSet::new();
    for (n, line) in content_lines(text) {
        let parts: Vec<&str> = line.split('\t').map(str::trim).collect();
        let (id, group, query) = match parts.as_slice() {
            [id, query] => (*id, "", *query),
            [id, group, query] => (*id, *group, *query),
            _ => {
                return Err(EvalError::parse(
                    n,
                    format!(
                        "expected `qid<TAB>group<TAB>query` or `qid<TAB>query`, found {} TAB-separated fields",
                        parts.len()
                    ),
                ));
            }
        };
        if queries.is_empty() && seen.is_empty() && is_header(id) {
            seen.insert(String::new());
            continue;
        }
        if id.is_empty() || query.is_empty() {
            return Err(EvalError::parse(n, "empty query id or query text"));
        }
        if !seen.insert(id.to_string()) {
            return Err(EvalError::parse(n, format!("query id {id} appears twice")));
        }
        queries.push(Query {
            id: id.to_string(),
            group: group.to_string(),
            text: query.to_string(),
        });
    }
    Ok(queries)
}

fn is_header(first_field: &str) -> bool {
    matches!(
        first_field.to_ascii_lowercase().as_str(),
        "qid" | "query_id" | "queryid" | "id"
    )
}

/// Reads qrels: `qid slug grade` or TREC's `qid 0 docid grade`, TAB- or whitespace-separated.
///
/// Blank lines and `#` comments are ignored, and so is a first line whose grade is not a
/// number (a header such as `query_id doc_id relevance`). Grades are integers; negative
/// grades are kept but count as not relevant.
pub fn parse_qrels(text: &str) -> Result<Qrels, EvalError> {
    let mut qrels = Qrels::default();
    let mut first = true;
    for (n, line) in content_lines(text) {
        let parts = fields(line);
        let (query, doc, grade) = match parts.as_slice() {
            [q, d, g] => (*q, *d, *g),
            [q, _iteration, d, g] => (*q, *d, *g),
            _ => {
                return Err(EvalError::parse(
                    n,
                    format!(
                        "expected `qid docid grade` or `qid 0 docid grade`, found {} fields",
                        parts.len()
                    ),
                ));
            }
        };
        let was_first = std::mem::replace(&mut first, false);
        let grade = match grade.parse::<i32>() {
            Ok(g) => g,
            Err(_) if was_first => continue,
            Err(_) => {
                return Err(EvalError::parse(
                    n,
                    format!("grade {grade:?} is not an integer"),
                ));
            }
        };
        if query.is_empty() || doc.is_empty() {
            return Err(EvalError::parse(n, "empty query id or document id"));
        }
        qrels.insert(query, doc, grade);
    }
    Ok(qrels)
}

/// Reads a TREC run: `qid Q0 docid rank score [tag]`, whitespace-separated.
///
/// The rank column is read but not used: as in `trec_eval`, the order is by score
/// (ties keep the file's order).
pub fn parse_run(text: &str) -> Result<Run, EvalError> {
    let mut lists: BTreeMap<String, Vec<(String, f32)>> = BTreeMap::new();
    for (n, line) in content_lines(text) {
        let parts: Vec<&str> = line.split_whitespace().collect();
        if !(5..=6).contains(&parts.len()) {
            return Err(EvalError::parse(
                n,
                format!(
                    "expected `qid Q0 docid rank score tag`, found {} fields",
                    parts.len()
                ),
            ));
        }
        if parts[3].parse::<u64>().is_err() {
            return Err(EvalError::parse(
                n,
                format!("rank {:?} is not a whole number", parts[3]),
            ));
        }
        let score = parts[4]
            .parse::<f32>()
            .map_err(|_| EvalError::parse(n, format!("score {:?} is not a number", parts[4])))?;
        lists
            .entry(parts[0].to_string())
            .or_default()
            .push((parts[2].to_string(), score));
    }
    let mut run = Run::default();
    for (query, results) in lists {
        run.insert(&query, results);
    }
    Ok(run)
}

/// Reads a query set from a file; see [`parse_queries`].
pub fn read_queries(path: &Path) -> Result<Vec<Query>, EvalError> {
    parse_queries(&read(path)?)
}

/// Reads qrels from a file; see [`parse_qrels`].
pub fn read_qrels(path: &Path) -> Result<Qrels, EvalError> {
    parse_qrels(&read(path)?)
}

/// Reads a TREC run from a file; see [`parse_run`].
pub fn read_run(path: &Path) -> Result<Run, EvalError> {
    parse_run(&read(path)?)
}

fn read(path: &Path) -> Result<String, EvalError> {
    std::fs::read_to_string(path).map_err(|source| EvalError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Writes `run` in TREC format, `qid Q0 docid rank score tag`, one line per result, ranks
/// from 1. Whitespace in `tag` is replaced by `_` (the format is whitespace-separated).
pub fn write_run<W: Write>(run: &Run, tag: &str, out: &mut W) -> io::Result<()> {
    let tag: String = tag
        .chars()
        .map(|c| if c.is_whitespace() { '_' } else { c })
        .collect();
    let tag = if tag.is_empty() {
        "erfa".to_string()
    } else {
        tag
    };
    for (query, ranking) in &run.rankings {
        let n = ranking.len();
        for (i, (doc, _)) in ranking.iter().enumerate() {
            // The score column falls with the rank: tools that order by score (trec_eval,
            // [`parse_run`]) see the order that was shown.
            writeln!(out, "{query} Q0 {doc} {} {} {tag}", i + 1, n - i)?;
        }
    }
    Ok(())
}

/// Runs every query of `queries` through `search` and collects the rankings.
///
/// `search` gets the query text and returns (document id, score) pairs in the order they
/// are shown, which is what is scored; for erfa the document id is the write-up's slug.
pub fn run_queries<F>(queries: &[Query], mut search: F) -> Run
where
    F: FnMut(&str) -> Vec<(String, f32)>,
{
    let mut run = Run::default();
    for query in queries {
        run.insert_shown(&query.id, search(&query.text));
    }
    run
}

/// Like [`run_queries`] for a search that can fail: stops at the first error.
pub fn try_run_queries<F, E>(queries: &[Query], mut search: F) -> Result<Run, E>
where
    F: FnMut(&str) -> Result<Vec<(String, f32)>, E>,
{
    let mut run = Run::default();
    for query in queries {
        run.insert_shown(&query.id, search(&query.text)?);
    }
    Ok(run)
}

/// Runs the queries through `search` and evaluates the rankings against `qrels`.
///
/// Returns the run too, so that it can be written with [`write_run`].
pub fn evaluate_with<F>(queries: &[Query], qrels: &Qrels, search: F) -> (Run, Evaluation)
where
    F: FnMut(&str) -> Vec<(String, f32)>,
{
    let run = run_queries(queries, search);
    let evaluation = evaluate(queries, qrels, &run);
    (run, evaluation)
}

/// The scores of one query.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryMetrics {
    /// Query id.
    pub id: String,
    /// Query group.
    pub group: String,
    /// nDCG at rank 10.
    pub ndcg10: f64,
    /// Average precision (binary relevance, grade ≥ 1).
    pub ap: f64,
    /// Recall at rank 100.
    pub recall100: f64,
    /// Relevant documents judged for the query.
    pub relevant: usize,
    /// Documents in the ranking.
    pub retrieved: usize,
}

/// Averages over a set of queries.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// Queries that were scored.
    pub queries: usize,
    /// Queries left out because nothing relevant is judged for them.
    pub skipped: usize,
    /// Mean nDCG@10.
    pub ndcg10: f64,
    /// Mean average precision.
    pub map: f64,
    /// Mean recall@100.
    pub recall100: f64,
}

impl Summary {
    fn of<'a>(metrics: impl Iterator<Item = &'a QueryMetrics>, skipped: usize) -> Self {
        let mut summary = Summary {
            skipped,
            ..Summary::default()
        };
        for m in metrics {
            summary.queries += 1;
            summary.ndcg10 += m.ndcg10;
            summary.map += m.ap;
            summary.recall100 += m.recall100;
        }
        if summary.queries > 0 {
            let n = summary.queries as f64;
            summary.ndcg10 /= n;
            summary.map /= n;
            summary.recall100 /= n;
        }
        summary
    }
}

/// The result of an evaluation: per query, per group and overall.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Evaluation {
    /// Scores of every scored query, in query-set order.
    pub per_query: Vec<QueryMetrics>,
    /// Ids of the queries left out because nothing relevant is judged for them.
    pub skipped: Vec<String>,
    /// Averages per group (groups in sorted order; the empty group is queries without one).
    pub groups: BTreeMap<String, Summary>,
    /// Averages over all scored queries.
    pub overall: Summary,
}

/// Evaluates `run` against `qrels` for the queries of `queries`.
///
/// Only queries in `queries` are scored; judgments and rankings of other query ids are
/// ignored.
pub fn evaluate(queries: &[Query], qrels: &Qrels, run: &Run) -> Evaluation {
    let mut evaluation = Evaluation::default();
    let mut skipped_per_group: BTreeMap<&str, usize> = BTreeMap::new();
    for query in queries {
        match score_query(qrels, &query.id, run.ranking(&query.id)) {
            Some((ndcg10, ap, recall100, relevant)) => {
                evaluation.per_query.push(QueryMetrics {
                    id: query.id.clone(),
                    group: query.group.clone(),
                    ndcg10,
                    ap,
                    recall100,
                    relevant,
                    retrieved: run.ranking(&query.id).len(),
                });
            }
            None => {
                evaluation.skipped.push(query.id.clone());
                *skipped_per_group.entry(&query.group).or_default() += 1;
            }
        }
    }
    let groups: std::collections::BTreeSet<&str> =
        queries.iter().map(|q| q.group.as_str()).collect();
    for group in groups {
        let summary = Summary::of(
            evaluation.per_query.iter().filter(|m| m.group == group),
            skipped_per_group.get(group).copied().unwrap_or(0),
        );
        evaluation.groups.insert(group.to_string(), summary);
    }
    evaluation.overall = Summary::of(evaluation.per_query.iter(), evaluation.skipped.len());
    evaluation
}

/// nDCG@10, AP, recall@100 and the number of relevant documents; `None` when nothing
/// relevant is judged for the query.
fn score_query(
    qrels: &Qrels,
    query: &str,
    ranking: &[(String, f32)],
) -> Option<(f64, f64, f64, usize)> {
    let judged = qrels.judged(query)?;
    let relevant = qrels.relevant_count(query);
    if relevant == 0 {
        return None;
    }
    let gain = |doc: &str| f64::from(judged.get(doc).copied().unwrap_or(0).max(0));
    let discount = |i: usize| (i as f64 + 2.0).log2();

    let dcg: f64 = ranking
        .iter()
        .take(NDCG_DEPTH)
        .enumerate()
        .map(|(i, (doc, _))| gain(doc) / discount(i))
        .sum();
    let mut ideal: Vec<f64> = judged.values().map(|&g| f64::from(g.max(0))).collect();
    ideal.sort_by(|a, b| b.total_cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(NDCG_DEPTH)
        .enumerate()
        .map(|(i, g)| g / discount(i))
        .sum();
    let ndcg10 = if idcg > 0.0 { dcg / idcg } else { 0.0 };

    let is_relevant = |doc: &str| judged.get(doc).is_some_and(|&g| g >= 1);
    let mut hits = 0usize;
    let mut precision_sum = 0.0;
    let mut hits_at_cutoff = 0usize;
    for (i, (doc, _)) in ranking.iter().enumerate() {
        if is_relevant(doc) {
            hits += 1;
            precision_sum += hits as f64 / (i + 1) as f64;
            if i < RECALL_DEPTH {
                hits_at_cutoff += 1;
            }
        }
    }
    let ap = precision_sum / relevant as f64;
    let recall100 = hits_at_cutoff as f64 / relevant as f64;
    Some((ndcg10, ap, recall100, relevant))
}

impl fmt::Display for Evaluation {
    /// A table with one row per group and a last row over all queries, for example:
    ///
    /// ```text
    /// group     queries  skipped  nDCG@10     MAP  R@100
    /// da             14        0    0.712   0.655  0.980
    /// en             14        0    0.803   0.760  1.000
    /// all            28        0    0.758   0.708  0.990
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self
            .groups
            .keys()
            .map(|g| group_label(g).chars().count())
            .chain(["group".len(), "all".len()])
            .max()
            .unwrap_or(5);
        writeln!(
            f,
            "{:<width$}  {:>7}  {:>7}  {:>7}  {:>6}  {:>6}",
            "group", "queries", "skipped", "nDCG@10", "MAP", "R@100"
        )?;
        let row = |f: &mut fmt::Formatter<'_>, label: &str, s: &Summary| {
            writeln!(
                f,
                "{label:<width$}  {:>7}  {:>7}  {:>7.3}  {:>6.3}  {:>6.3}",
                s.queries, s.skipped, s.ndcg10, s.map, s.recall100
            )
        };
        if self.groups.len() > 1 || self.groups.keys().any(|g| !g.is_empty()) {
            for (group, summary) in &self.groups {
                row(f, group_label(group), summary)?;
            }
        }
        row(f, "all", &self.overall)?;
        if !self.skipped.is_empty() {
            writeln!(
                f,
                "skipped (nothing relevant judged): {}",
                self.skipped.join(", ")
            )?;
        }
        Ok(())
    }
}

fn group_label(group: &str) -> &str {
    if group.is_empty() { "(none)" } else { group }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    fn ranking(docs: &[&str]) -> Vec<(String, f32)> {
        let n = docs.len() as f32;
        docs.iter()
            .enumerate()
            .map(|(i, d)| (d.to_string(), n - i as f32))
            .collect()
    }

    fn one_query(qrels: &str, docs: &[&str]) -> QueryMetrics {
        let queries = vec![Query {
            id: "q".into(),
            group: "g".into(),
            text: "x".into(),
        }];
        let qrels = parse_qrels(qrels).unwrap();
        let mut run = Run::default();
        run.insert("q", ranking(docs));
        let evaluation = evaluate(&queries, &qrels, &run);
        assert!(evaluation.skipped.is_empty());
        evaluation.per_query[0].clone()
    }

    #[test]
    fn ndcg_by_hand() {
        // Judged: a=2, b=1, c=2, d=0. Ranking: a, x (unjudged), b, d, c.
        // DCG  = 2/log2(2) + 0 + 1/log2(4) + 0 + 2/log2(6)
        //      = 2 + 0.5 + 2/2.584962500721156 = 3.273705614469083
        // IDCG = 2/log2(2) + 2/log2(3) + 1/log2(4) = 2 + 1.2618595071429148 + 0.5 = 3.7618595071429148
        // nDCG@10 = 3.273705614469083 / 3.7618595071429148 = 0.8702360118
        let m = one_query("q a 2\nq b 1\nq c 2\nq d 0\n", &["a", "x", "b", "d", "c"]);
        let dcg = 2.0 + 0.5 + 2.0 / 6f64.log2();
        let idcg = 2.0 + 2.0 / 3f64.log2() + 0.5;
        assert!(close(m.ndcg10, dcg / idcg), "{}", m.ndcg10);
        assert!((m.ndcg10 - 0.870_236_011_8).abs() < 1e-9, "{}", m.ndcg10);
    }

    #[test]
    fn ndcg_counts_only_the_first_ten_but_ideal_uses_all_judged() {
        // The only relevant document is at rank 11: nDCG@10 is 0 while recall@100 is 1.
        let mut docs: Vec<String> = (0..10).map(|i| format!("n{i}")).collect();
        docs.push("r".into());
        let refs: Vec<&str> = docs.iter().map(String::as_str).collect();
        let m = one_query("q r 2\n", &refs);
        assert!(close(m.ndcg10, 0.0));
        assert!(close(m.recall100, 1.0));
        assert!(close(m.ap, 1.0 / 11.0));
        // A perfect ranking scores 1.
        let m = one_query("q a 1\nq b 2\n", &["b", "a"]);
        assert!(close(m.ndcg10, 1.0));
        // Right documents in the wrong order score below 1: (1 + 2/log2 3) / (2 + 1/log2 3).
        let m = one_query("q a 1\nq b 2\n", &["a", "b"]);
        let expected = (1.0 + 2.0 / 3f64.log2()) / (2.0 + 1.0 / 3f64.log2());
        assert!(close(m.ndcg10, expected));
    }

    #[test]
    fn average_precision_by_hand() {
        // Relevant (grade >= 1): a, b, c; d is judged 0. Ranking: a, d, b, x; c never found.
        // AP = (1/1 + 2/3) / 3 = 0.5555…
        let m = one_query("q a 2\nq b 1\nq c 1\nq d 0\n", &["a", "d", "b", "x"]);
        assert!(close(m.ap, (1.0 + 2.0 / 3.0) / 3.0));
        assert!(close(m.recall100, 2.0 / 3.0));
        assert_eq!(m.relevant, 3);
        assert_eq!(m.retrieved, 4);
    }

    #[test]
    fn recall_stops_at_one_hundred() {
        let mut docs: Vec<String> = (0..100).map(|i| format!("n{i}")).collect();
        docs.insert(0, "a".into()); // rank 1
        docs.push("b".into()); // rank 102
        let refs: Vec<&str> = docs.iter().map(String::as_str).collect();
        let m = one_query("q a 1\nq b 1\n", &refs);
        assert!(close(m.recall100, 0.5));
        assert!(close(m.ap, (1.0 + 2.0 / 102.0) / 2.0));
    }

    #[test]
    fn ties_keep_the_engine_order_and_duplicates_count_once() {
        let mut run = Run::default();
        run.insert(
            "q",
            vec![
                ("b".into(), 1.0),
                ("a".into(), 1.0),
                ("c".into(), 2.0),
                ("b".into(), 0.5),
            ],
        );
        let docs: Vec<&str> = run.ranking("q").iter().map(|(d, _)| d.as_str()).collect();
        assert_eq!(docs, ["c", "b", "a"]);
        // With b relevant at rank 2: AP = 1/2.
        let qrels = parse_qrels("q b 1\n").unwrap();
        let queries = parse_queries("q\tquery\n").unwrap();
        let evaluation = evaluate(&queries, &qrels, &run);
        assert!(close(evaluation.per_query[0].ap, 0.5));
    }

    #[test]
    fn queries_without_relevant_judgments_are_skipped_and_counted() {
        let queries =
            parse_queries("q1\ten\tone\nq2\ten\ttwo\nq3\tda\ttre\nq4\tda\tfire\n").unwrap();
        // q2 has only a 0 judgment, q4 none at all; q3 is relevant but has no results.
        let qrels = parse_qrels("q1 a 2\nq2 a 0\nq3 b 1\n").unwrap();
        let mut run = Run::default();
        run.insert("q1", ranking(&["a"]));
        run.insert("q2", ranking(&["a"]));
        let evaluation = evaluate(&queries, &qrels, &run);
        assert_eq!(evaluation.skipped, ["q2", "q4"]);
        assert_eq!(evaluation.overall.queries, 2);
        assert_eq!(evaluation.overall.skipped, 2);
        assert!(close(evaluation.overall.ndcg10, 0.5));
        assert!(close(evaluation.overall.map, 0.5));
        let en = &evaluation.groups["en"];
        assert_eq!((en.queries, en.skipped), (1, 1));
        assert!(close(en.ndcg10, 1.0));
        let da = &evaluation.groups["da"];
        assert_eq!((da.queries, da.skipped), (1, 1));
        assert!(close(da.map, 0.0));
        let table = evaluation.to_string();
        assert!(
            table.contains("skipped (nothing relevant judged): q2, q4"),
            "{table}"
        );
    }

    #[test]
    fn negative_grades_are_not_relevant() {
        let m = one_query("q a -1\nq b 1\n", &["a", "b"]);
        assert!(close(m.ap, 0.5));
        assert!(close(m.ndcg10, 1.0 / 3f64.log2()));
    }

    #[test]
    fn parses_query_sets() {
        let queries = parse_queries(
            "# comment\nqid\tgroup\tquery\nen01\ten\tchange freeze\n\nx1\tcross\tnedbrud hos leverandør\r\n",
        )
        .unwrap();
        assert_eq!(queries.len(), 2);
        assert_eq!(queries[1].group, "cross");
        assert_eq!(queries[1].text, "nedbrud hos leverandør");
        // Two columns, with Cranfield's header.
        let queries = parse_queries("query_id\ttext\n1\twhat similarity laws\n").unwrap();
        assert_eq!(
            queries,
            [Query {
                id: "1".into(),
                group: String::new(),
                text: "what similarity laws".into()
            }]
        );
        assert!(matches!(
            parse_queries("q1\ten\ta\nq1\ten\tb\n"),
            Err(EvalError::Parse { line: 2, .. })
        ));
        assert!(parse_queries("q1 no tabs here\n").is_err());
    }

    #[test]
    fn parses_qrels_in_three_and_four_columns() {
        let qrels = parse_qrels(
            "query_id\tdoc_id\trelevance\n1\t184\t3\n1 0 29 4\nen01\tchange/julefrys-uden-undtagelser\t2\n",
        )
        .unwrap();
        assert_eq!(qrels.len(), 3);
        assert_eq!(qrels.grade("1", "184"), Some(3));
        assert_eq!(qrels.grade("1", "29"), Some(4));
        assert_eq!(
            qrels.grade("en01", "change/julefrys-uden-undtagelser"),
            Some(2)
        );
        assert_eq!(qrels.relevant_count("1"), 2);
        let err = parse_qrels("q a 1\nq b x\n").unwrap_err();
        assert_eq!(err.to_string(), "line 2: grade \"x\" is not an integer");
        assert!(parse_qrels("q a\n").is_err());
    }

    #[test]
    fn run_files_round_trip() {
        let mut run = Run::default();
        run.insert("q2", vec![("b".into(), 1.5), ("a".into(), 2.5)]);
        run.insert("q1", vec![("change/cab".into(), 7.0)]);
        let mut out = Vec::new();
        write_run(&run, "erfa bm25", &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "q1 Q0 change/cab 1 1 erfa_bm25\nq2 Q0 a 1 2 erfa_bm25\nq2 Q0 b 2 1 erfa_bm25\n"
        );
        let read = parse_run(&text).unwrap();
        let order = |r: &Run, q: &str| {
            r.ranking(q)
                .iter()
                .map(|(d, _)| d.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(order(&read, "q2"), order(&run, "q2"));
        assert_eq!(order(&read, "q1"), order(&run, "q1"));
        assert!(parse_run("q1 Q0 a one 1.0 t\n").is_err());
        assert!(parse_run("q1 Q0 a 1 high t\n").is_err());
    }

    #[test]
    fn the_shown_order_is_scored_not_the_score_order() {
        // erfa shows write-ups with every word (and enough score) above higher scores: the
        // order the engine gives is the one scored, and a run file written from it reads back the same.
        let queries = parse_queries("q1\ten\tchange freeze\n").unwrap();
        let qrels = parse_qrels("q1 freeze 2\n").unwrap();
        let (run, evaluation) = evaluate_with(&queries, &qrels, |_| {
            vec![("freeze".into(), 1.0), ("other".into(), 9.0)]
        });
        assert!(close(evaluation.overall.ndcg10, 1.0));
        let mut out = Vec::new();
        write_run(&run, "erfa", &mut out).unwrap();
        let read = parse_run(&String::from_utf8(out).unwrap()).unwrap();
        assert!(close(evaluate(&queries, &qrels, &read).overall.ndcg10, 1.0));
    }

    #[test]
    fn evaluates_a_search_closure() {
        let queries = parse_queries("q1\ten\tchange freeze\nq2\tda\tvagtordning\n").unwrap();
        let qrels = parse_qrels("q1 freeze 2\nq2 vagt 2\nq2 alerts 1\n").unwrap();
        let (run, evaluation) = evaluate_with(&queries, &qrels, |text| match text {
            "change freeze" => vec![("freeze".into(), 3.0)],
            _ => vec![("alerts".into(), 2.0), ("vagt".into(), 1.0)],
        });
        assert_eq!(run.len(), 2);
        assert!(close(evaluation.groups["en"].ndcg10, 1.0));
        let expected = (1.0 + 2.0 / 3f64.log2()) / (2.0 + 1.0 / 3f64.log2());
        assert!(close(evaluation.groups["da"].ndcg10, expected));
        assert!(close(evaluation.overall.ndcg10, (1.0 + expected) / 2.0));
        let failing: Result<Run, &str> = try_run_queries(&queries, |_| Err("index gone"));
        assert_eq!(failing.unwrap_err(), "index gone");
    }

    #[test]
    fn display_is_a_table() {
        let queries = parse_queries("q1\ten\ta\nq2\tda\tb\n").unwrap();
        let qrels = parse_qrels("q1 a 1\nq2 b 1\n").unwrap();
        let (_, evaluation) = evaluate_with(&queries, &qrels, |t| vec![(t.to_string(), 1.0)]);
        assert_eq!(
            evaluation.to_string(),
            "group  queries  skipped  nDCG@10     MAP   R@100\n\
             da           1        0    1.000   1.000   1.000\n\
             en           1        0    1.000   1.000   1.000\n\
             all          2        0    1.000   1.000   1.000\n"
        );
    }
}
