//! Answers of recent searches, kept across the commits that could not change them.
//!
//! Every commit gives an index new contents, and with one save every fraction of a
//! second every answer would be searched afresh after each. But an edit touches one
//! write-up: an answer whose statistics read the same after the commit, and whose text
//! terms occur in no write-up the commit added or removed, is the answer a fresh search
//! would give, byte for byte (`crate::index::reads` says why). So at each new contents
//! of a scope's index the answers are checked once against the documents that changed,
//! and those that hold are kept.
//!
//! The check reads what changed from the searcher of the contents before (kept here
//! until the next change) and of the contents after. A change of more than
//! `MAX_CHANGED` (256) documents (a rebuild, a large merge) drops every answer, as does a
//! glossary or tuning change.

use std::any::Any;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Searcher, SegmentReader, Term};

use crate::error::Result;
use crate::index::reads::Read;
use crate::index::stats::{self, Contents, Exact};
use crate::search::close_words;
use crate::search::engine::{SearchRequest, SearchResults};
use crate::search::scope::Scope;

/// Past this many added and removed documents, checking each answer costs more than
/// searching again: every answer is dropped.
pub(crate) const MAX_CHANGED: usize = 256;

/// An answer and what it read.
struct Kept {
    answer: Arc<Answer>,
    reads: Vec<Read>,
}

/// A kept answer, shared by every look-up that finds it: its results, and one rendering
/// of them (the server's JSON), made by the first caller that asks for it and kept with
/// the answer. A rendering holds exactly as long as the answer does: a commit that could
/// change the results drops the answer and its rendering with it, and one that could not
/// keeps both, since the results are then what a fresh search would give, byte for byte.
pub struct Answer {
    results: SearchResults,
    rendered: OnceLock<Box<dyn Any + Send + Sync>>,
}

impl Answer {
    fn new(results: SearchResults) -> Answer {
        Answer {
            results,
            rendered: OnceLock::new(),
        }
    }

    /// The results, as [`crate::Engine::search`] would return them.
    pub fn results(&self) -> &SearchResults {
        &self.results
    }

    /// The rendering of the results that `render` makes, made at the first call and kept
    /// after; `None` when the answer already holds a rendering of another type.
    ///
    /// Every viewer whose search finds this answer gets the same rendering, so `render`
    /// must make it from the results alone: nothing of the viewer (a name, a token) may
    /// go into it.
    pub fn rendered<T: Any + Send + Sync>(
        &self,
        render: impl FnOnce(&SearchResults) -> T,
    ) -> Option<&T> {
        self.rendered
            .get_or_init(|| Box::new(render(&self.results)))
            .downcast_ref()
    }
}

impl std::fmt::Debug for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Answer")
            .field("results", &self.results)
            .field("rendered", &self.rendered.get().is_some())
            .finish()
    }
}

/// The answers of one scope, for the contents its searcher sees.
struct ScopeAnswers {
    generation: u64,
    contents: Contents,
    searcher: Searcher,
    answers: HashMap<SearchRequest, Arc<Kept>>,
}

/// How many answers commits kept and dropped, for tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Carried {
    /// Answers kept through a change of contents.
    pub(crate) kept: u64,
    /// Answers dropped at one.
    pub(crate) dropped: u64,
}

struct State {
    capacity: usize,
    /// Moves on at every clear: an answer searched before one (under another glossary
    /// or tuning) is not kept after it.
    epoch: u64,
    by_scope: HashMap<Scope, ScopeAnswers>,
    carried: Carried,
}

/// The answers kept per scope; cheap to clone, shared by the clones of an engine.
#[derive(Clone)]
pub(crate) struct Answers(Arc<Mutex<State>>);

impl Default for Answers {
    fn default() -> Self {
        Answers(Arc::new(Mutex::new(State {
            capacity: crate::search::engine::RESULT_CACHE_CAPACITY,
            epoch: 0,
            by_scope: HashMap::new(),
            carried: Carried::default(),
        })))
    }
}

impl Answers {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The answer to `request` as `searcher` would give it, when kept; without waiting
    /// (`None` while another thread checks answers against a commit).
    pub(crate) fn peek(
        &self,
        scope: Scope,
        searcher: &Searcher,
        request: &SearchRequest,
    ) -> Option<Arc<Answer>> {
        let state = match self.0.try_lock() {
            Ok(state) => state,
            Err(std::sync::TryLockError::Poisoned(e)) => e.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => return None,
        };
        let answers = state.by_scope.get(&scope)?;
        if answers.contents != stats::contents(searcher) {
            return None;
        }
        // The lock is held for a look-up only: a caller that copies the results (a page
        // of hits with snippets and facets is many strings) does so after it is let go,
        // and a lock held meanwhile sent other look-ups to wait.
        answers
            .answers
            .get(request)
            .map(|kept| Arc::clone(&kept.answer))
    }

    /// The answer to `request` as `searcher` would give it, when kept; first brings the
    /// scope's answers to the searcher's contents when it is newer.
    pub(crate) fn get(
        &self,
        scope: Scope,
        searcher: &Searcher,
        request: &SearchRequest,
        cache: &stats::Cache,
    ) -> Option<SearchResults> {
        let mut state = self.lock();
        if !state.follow(scope, searcher, cache) {
            return None;
        }
        let kept = state
            .by_scope
            .get(&scope)
            .and_then(|a| a.answers.get(request))
            .map(|kept| Arc::clone(&kept.answer));
        drop(state);
        kept.map(|answer| answer.results.clone())
    }

    /// What [`Answers::put`] needs to know that no clear happened since: read it before
    /// searching.
    pub(crate) fn epoch(&self) -> u64 {
        self.lock().epoch
    }

    /// Keeps `results` of `request` on `searcher`, which read `reads`, when nothing was
    /// cleared since `epoch` ([`Answers::epoch`]).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn put(
        &self,
        scope: Scope,
        searcher: &Searcher,
        request: &SearchRequest,
        results: &SearchResults,
        reads: Vec<Read>,
        cache: &stats::Cache,
        epoch: u64,
    ) {
        // Copied before the lock is taken, and what a full cache drops freed after it is
        // let go: look-ups only try the lock (see `peek`).
        let kept = Arc::new(Kept {
            answer: Arc::new(Answer::new(results.clone())),
            reads: needed(reads),
        });
        let request = request.clone();
        let mut state = self.lock();
        if state.capacity == 0 || state.epoch != epoch || !state.follow(scope, searcher, cache) {
            return;
        }
        let capacity = state.capacity;
        let answers = state
            .by_scope
            .entry(scope)
            .or_insert_with(|| ScopeAnswers::new(searcher));
        let dropped = if answers.answers.len() >= capacity {
            std::mem::take(&mut answers.answers)
        } else {
            Default::default()
        };
        answers.answers.insert(request, kept);
        drop(state);
        drop(dropped);
    }

    /// Brings every scope's answers to what `searcher_of` the scope sees now: after a
    /// commit, so that searches find them ready.
    pub(crate) fn follow_all(&self, searcher_of: impl Fn(Scope) -> Searcher, cache: &stats::Cache) {
        let mut state = self.lock();
        let scopes: Vec<Scope> = state.by_scope.keys().copied().collect();
        for scope in scopes {
            state.follow(scope, &searcher_of(scope), cache);
        }
    }

    /// Drops every answer, and those being searched.
    pub(crate) fn clear(&self) {
        let mut state = self.lock();
        state.epoch += 1;
        state.by_scope.clear();
    }

    /// Keeps up to `capacity` answers per scope (0: none) and drops those kept.
    pub(crate) fn set_capacity(&self, capacity: usize) {
        let mut state = self.lock();
        state.capacity = capacity;
        state.epoch += 1;
        state.by_scope.clear();
    }

    /// How many answers commits kept and dropped so far.
    #[cfg(test)]
    pub(crate) fn carried(&self) -> Carried {
        self.lock().carried
    }
}

impl ScopeAnswers {
    fn new(searcher: &Searcher) -> ScopeAnswers {
        ScopeAnswers {
            generation: searcher.generation().generation_id(),
            contents: stats::contents(searcher),
            searcher: searcher.clone(),
            answers: HashMap::new(),
        }
    }
}

impl State {
    /// Brings the answers of `scope` to the contents of `searcher`: false when the
    /// searcher is older than the answers (a search that started before a commit). An
    /// index that cannot be read for the check drops the scope's answers.
    fn follow(&mut self, scope: Scope, searcher: &Searcher, cache: &stats::Cache) -> bool {
        match self.try_follow(scope, searcher, cache) {
            Ok(newer) => newer,
            Err(_) => {
                if let Some(answers) = self.by_scope.remove(&scope) {
                    self.carried.dropped += answers.answers.len() as u64;
                }
                true
            }
        }
    }

    fn try_follow(
        &mut self,
        scope: Scope,
        searcher: &Searcher,
        cache: &stats::Cache,
    ) -> Result<bool> {
        let Some(answers) = self.by_scope.get_mut(&scope) else {
            return Ok(true);
        };
        let contents = stats::contents(searcher);
        if answers.contents == contents {
            return Ok(true);
        }
        let generation = searcher.generation().generation_id();
        if generation < answers.generation {
            return Ok(false);
        }
        let before = answers.answers.len() as u64;
        let kept = match Changed::between(&answers.searcher, searcher)? {
            Some(changed) => {
                let mut check = Check {
                    searcher,
                    cache,
                    changed: &changed,
                    reads: HashMap::new(),
                    terms: HashMap::new(),
                };
                let mut kept = HashMap::new();
                for (request, answer) in answers.answers.drain() {
                    if check.holds(&answer.reads)? {
                        kept.insert(request, answer);
                    }
                }
                kept
            }
            None => HashMap::new(),
        };
        self.carried.kept += kept.len() as u64;
        self.carried.dropped += before - kept.len() as u64;
        *answers = ScopeAnswers::new(searcher);
        answers.answers = kept;
        Ok(true)
    }
}

/// The reads an answer must find the same again, without those another one implies: a
/// document frequency of a term the answer matched by changes only with a changed
/// document that contains the term, which [`Read::Matched`] looks for already.
fn needed(reads: Vec<Read>) -> Vec<Read> {
    let matched: HashSet<&Term> = reads
        .iter()
        .filter_map(|r| match r {
            Read::Matched(terms) => Some(terms),
            _ => None,
        })
        .flatten()
        .collect();
    let mut seen: HashSet<&Read> = HashSet::new();
    let keep: Vec<bool> = reads
        .iter()
        .map(|r| {
            let implied = matches!(r, Read::DocFreq { term, .. } if matched.contains(term));
            !implied && seen.insert(r)
        })
        .collect();
    drop(seen);
    drop(matched);
    reads
        .into_iter()
        .zip(keep)
        .filter_map(|(r, k)| k.then_some(r))
        .collect()
}

/// The documents one searcher's contents added and removed against another's: by
/// segment, the reader to read them from and their ids, in order.
struct Changed {
    groups: Vec<(SegmentReader, Vec<DocId>)>,
}

impl Changed {
    /// What changed from `before` to `after`; `None` when more than [`MAX_CHANGED`]
    /// documents did.
    fn between(before: &Searcher, after: &Searcher) -> Result<Option<Changed>> {
        let alive = |reader: &SegmentReader, doc: DocId| {
            reader.alive_bitset().is_none_or(|a| a.is_alive(doc))
        };
        let mut groups = Vec::new();
        let mut count = 0usize;
        let mut add = |reader: &SegmentReader, docs: Vec<DocId>| -> bool {
            count += docs.len();
            if !docs.is_empty() {
                groups.push((reader.clone(), docs));
            }
            count <= MAX_CHANGED
        };
        let find = |searcher: &Searcher, reader: &SegmentReader| {
            searcher
                .segment_readers()
                .iter()
                .find(|r| r.segment_id() == reader.segment_id())
                .cloned()
        };
        // Removed: alive before, and gone or deleted after.
        for old in before.segment_readers() {
            let now = find(after, old);
            match now.as_ref().map(|n| n.num_deleted_docs()) {
                Some(deleted) if deleted == old.num_deleted_docs() => continue,
                // Fewer deletes: `after` is the older of the two (a reader reloaded
                // meanwhile); what it brings back is not looked for, so nothing is kept.
                Some(deleted) if deleted < old.num_deleted_docs() => return Ok(None),
                _ => {}
            }
            if now.is_none() && old.num_docs() as usize > MAX_CHANGED {
                return Ok(None);
            }
            let docs: Vec<DocId> = (0..old.max_doc())
                .filter(|&d| alive(old, d) && now.as_ref().is_none_or(|n| !alive(n, d)))
                .collect();
            if !add(old, docs) {
                return Ok(None);
            }
        }
        // Added: alive in a segment that is new.
        for new in after.segment_readers() {
            if find(before, new).is_some() {
                continue;
            }
            if new.num_docs() as usize > MAX_CHANGED {
                return Ok(None);
            }
            let docs: Vec<DocId> = (0..new.max_doc()).filter(|&d| alive(new, d)).collect();
            if !add(new, docs) {
                return Ok(None);
            }
        }
        Ok(Some(Changed { groups }))
    }

    fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// Whether a changed document contains `term`.
    fn contain(&self, term: &Term) -> Result<bool> {
        for (reader, docs) in &self.groups {
            let inverted = reader.inverted_index(term.field())?;
            let postings = inverted
                .read_postings(term, IndexRecordOption::Basic)
                .map_err(|e| crate::Error::io("reading", "index", e))?;
            let Some(mut postings) = postings else {
                continue;
            };
            for &doc in docs {
                if postings.doc() > doc {
                    continue;
                }
                if postings.seek(doc) == doc {
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }
}

/// Checks answers against one change, remembering what it has read.
struct Check<'a> {
    searcher: &'a Searcher,
    cache: &'a stats::Cache,
    changed: &'a Changed,
    reads: HashMap<Read, bool>,
    terms: HashMap<Term, bool>,
}

impl Check<'_> {
    /// Whether an answer that read `reads` is still the answer.
    fn holds(&mut self, reads: &[Read]) -> Result<bool> {
        for read in reads {
            let holds = match read {
                Read::Everything => self.changed.is_empty(),
                Read::Matched(terms) => !self.any_changed_contains(terms)?,
                read => self.reads_the_same(read)?,
            };
            if !holds {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Whether a changed document contains one of `terms`.
    fn any_changed_contains(&mut self, terms: &[Term]) -> Result<bool> {
        for term in terms {
            let contained = match self.terms.get(term) {
                Some(&contained) => contained,
                None => {
                    let contained = self.changed.contain(term)?;
                    self.terms.insert(term.clone(), contained);
                    contained
                }
            };
            if contained {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Whether a statistic `read` gives the same value on the new searcher.
    fn reads_the_same(&mut self, read: &Read) -> Result<bool> {
        if let Some(&same) = self.reads.get(read) {
            return Ok(same);
        }
        let same = self.read_again(read)?;
        self.reads.insert(read.clone(), same);
        Ok(same)
    }

    fn read_again(&self, read: &Read) -> Result<bool> {
        use tantivy::query::Bm25StatisticsProvider;
        let exact = |only: &Option<Term>| Exact::new(self.searcher, self.cache, only.clone());
        Ok(match read {
            Read::DocFreq { only, term, value } => exact(only).live_doc_freq(term)? == *value,
            Read::Docs { only, value } => exact(only).total_num_docs()? == *value,
            Read::Tokens { only, field, value } => exact(only).total_num_tokens(*field)? == *value,
            Read::Close {
                only,
                field,
                word,
                distance,
                value,
            } => {
                close_words::noted(&close_words::close_words(
                    &exact(only),
                    *field,
                    word,
                    *distance,
                )?) == *value
            }
            Read::Completions {
                only,
                field,
                prefix,
                extra,
                limit,
                value,
            } => close_words::completions(&exact(only), *field, prefix, *extra, *limit)? == *value,
            // Not statistics: `holds` looks at the changed documents for them.
            Read::Matched(_) | Read::Everything => false,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::Path;

    use crate::search::engine::{Engine, SearchRequest};
    use crate::search::scope::Scope;
    use crate::testing::write_up;
    use crate::{Indexer, Mode, Store, WriterOptions};

    const WORDS: &[&str] = &[
        "rollback",
        "change",
        "incident",
        "backup",
        "restore",
        "supplier",
        "contract",
        "monitoring",
        "alert",
        "capacity",
        "database",
        "certificate",
        "expiry",
        "release",
        "hændelse",
        "ændring",
        "sikkerhedskopi",
        "leverandør",
        "overvågning",
        "kapacitet",
        "databasen",
        "certifikat",
        "udløb",
        "rollbacks",
        "chnage",
        "the",
        "og",
    ];

    /// A small random source with a fixed seed, so a failure repeats.
    struct Lcg(u64);

    impl Lcg {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((self.0 >> 33) as usize) % n
        }

        /// `n` words: one in eight from [`WORDS`], the others from 2,000 made-up ones,
        /// so that each query matches a few write-ups.
        fn words(&mut self, n: usize) -> String {
            (0..n)
                .map(|_| {
                    if self.below(8) == 0 {
                        WORDS[self.below(WORDS.len())].to_string()
                    } else {
                        let i = self.below(2_000);
                        let letter = |k: usize| char::from(b'a' + (k % 26) as u8);
                        format!("vo{}{}{}", letter(i), letter(i / 26), letter(i / 676))
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        }
    }

    /// A write-up's title, lesson and mistake.
    type Text = (String, String, String);

    /// New text: lengths that hardly vary, so that most edits leave the average length
    /// on its step and answers are kept; then the terms they matched decide.
    fn new_text(rng: &mut Lcg) -> Text {
        let lesson = 10 + rng.below(2);
        (rng.words(2), rng.words(lesson), rng.words(5))
    }

    /// Writes write-up `name` with `text` under new front matter.
    fn write(root: &Path, name: &str, rng: &mut Lcg, text: &Text) {
        let language = ["en", "da"][rng.below(2)];
        let visibility = ["public", "members"][rng.below(2)];
        let status = ["published", "published", "draft", "review"][rng.below(4)];
        let tag = ["cmdb", "itil", "cloud"][rng.below(3)];
        let (title, lesson, mistake) = text;
        let file = format!(
            "---\ntitle: \"{title} {name}\"\nkind: lesson\nlanguage: {language}\n\
             date: 2022-0{}-01\nvisibility: {visibility}\nstatus: {status}\ntags: [{tag}]\n\
             ---\n## Lesson learned\n\n{lesson}.\n\n## Mistake to avoid\n\n{mistake}.\n",
            1 + rng.below(9),
        );
        std::fs::write(root.join(name), file).expect("write");
    }

    fn requests() -> Vec<SearchRequest> {
        let mut out = Vec::new();
        for scope in [Scope::Public, Scope::Members, Scope::Facilitator] {
            for query in [
                "rollback",
                "backup restore",
                "\"change incident\"",
                "certifikat udløb",
                "sikkerhedskopi",
                "chnage",
                "incidnt",
                "databse",
                "monitoring -alert",
                "the og",
                "leverandør contract capacity",
                "how do we restore a backup of the database after a change and a rollback",
                "hvordan laver vi rollback af en change efter incident med backup",
                "",
                "zzzz",
            ] {
                out.push(SearchRequest::new(query, scope));
            }
            out.push(SearchRequest::new("", scope).filter("tags", "cmdb"));
            out.push(SearchRequest::new("release", scope).filter("tags", "itil"));
            let mut typing = SearchRequest::new("capa", scope);
            typing.prefix_last = true;
            out.push(typing);
        }
        out
    }

    /// The differential test of the kept answers: after every commit of a random edit,
    /// addition, removal or change of audience or status, the engine that keeps answers
    /// answers every request exactly as one that keeps none.
    #[test]
    fn kept_answers_are_the_answers_of_a_fresh_search_after_every_commit() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut rng = Lcg(2026);
        let mut texts: BTreeMap<String, Text> = BTreeMap::new();
        for i in 0..150 {
            let name = format!("w{i}.md");
            let text = new_text(&mut rng);
            write(dir.path(), &name, &mut rng, &text);
            texts.insert(name, text);
        }
        let store = Store::in_ram();
        let mut indexer = Indexer::new(&store, WriterOptions::default()).expect("indexer");
        indexer
            .update(dir.path(), Mode::Rebuild, &mut |_| {})
            .expect("index");
        let keeping = Engine::new(&store).expect("engine");
        let fresh = Engine::new(&store).expect("engine");
        fresh.set_result_cache(0);
        let requests = requests();
        for step in 0..40 {
            keeping.reload().expect("reload");
            fresh.reload().expect("reload");
            for request in &requests {
                let kept = keeping.search(request).expect("search");
                let found = fresh.search(request).expect("search");
                assert_eq!(kept, found, "step {step}: {request:?}");
            }
            let names: Vec<String> = texts.keys().cloned().collect();
            let mut name = names[rng.below(names.len())].clone();
            let text = match rng.below(10) {
                0 => {
                    name = format!("w{}.md", 1000 + step);
                    Some(new_text(&mut rng))
                }
                1 => None,
                // The same text under other front matter: audience, status, tag.
                2..=5 => texts.get(&name).cloned(),
                6 => {
                    // New words close to a typed one or completing it: typo tolerance and
                    // completions of the answers change though their terms did not.
                    let mut text = new_text(&mut rng);
                    text.1.push_str([" incidnet", " capabel"][rng.below(2)]);
                    Some(text)
                }
                _ => Some(new_text(&mut rng)),
            };
            match text {
                Some(text) => {
                    write(dir.path(), &name, &mut rng, &text);
                    texts.insert(name.clone(), text);
                }
                None => {
                    texts.remove(&name);
                    std::fs::remove_file(dir.path().join(&name)).expect("remove");
                }
            }
            indexer
                .update_paths(dir.path(), [name.as_str()])
                .expect("update");
        }
        let carried = keeping.carried();
        assert!(carried.kept > 100, "{carried:?}");
        assert!(carried.dropped > 100, "{carried:?}");
    }

    /// Public write-ups of `files` (name, words), and twenty more of other words, indexed
    /// in RAM: the content folder, its indexer and the store. Enough write-ups that
    /// deleting one merges no segment: the merged one would count as added, and its
    /// write-ups would drop the answers they match.
    fn public_index(files: &[(&str, &str)]) -> (tempfile::TempDir, Indexer, Store) {
        let dir = tempfile::tempdir().expect("tempdir");
        for (name, words) in files {
            write_up(dir.path(), name, "public", name, words);
        }
        for i in 0..20 {
            let name = format!("d{i}.md");
            write_up(
                dir.path(),
                &name,
                "public",
                &name,
                "oscar papa quebec romeo sierra tango",
            );
        }
        let store = Store::in_ram();
        let mut indexer = Indexer::new(&store, WriterOptions::default()).expect("indexer");
        indexer
            .update(dir.path(), Mode::Rebuild, &mut |_| {})
            .expect("index");
        (dir, indexer, store)
    }

    /// A word new to the index that is close to a typed word, or completes it, changes
    /// that answer although no term it matched changed: it is dropped, and the next
    /// search finds the new word.
    #[test]
    fn new_close_words_and_completions_drop_the_answers_that_offered_others() {
        let (dir, mut indexer, store) = public_index(&[
            ("a.md", "the incident review found the capacity plan"),
            ("b.md", "alpha bravo charlie delta echo foxtrot golf"),
            ("c.md", "hotel india juliet kilo lima mike november"),
        ]);
        let file = |name: &str, words: &str| write_up(dir.path(), name, "public", name, words);
        let keeping = Engine::new(&store).expect("engine");
        let fresh = Engine::new(&store).expect("engine");
        fresh.set_result_cache(0);
        let typo = SearchRequest::new("incidnt", Scope::Public);
        let mut typing = SearchRequest::new("capa", Scope::Public);
        typing.prefix_last = true;
        let unrelated = SearchRequest::new("november", Scope::Public);
        let same = |label: &str| {
            keeping.reload().expect("reload");
            fresh.reload().expect("reload");
            for request in [&typo, &typing, &unrelated] {
                assert_eq!(
                    keeping.search(request).expect("search"),
                    fresh.search(request).expect("search"),
                    "{label}: {request:?}"
                );
            }
        };
        same("before");
        // Same length, one word swapped for a close one and one for a completion.
        file("b.md", "alpha bravo incidnet delta capabel foxtrot golf");
        indexer.update_paths(dir.path(), ["b.md"]).expect("update");
        let before = keeping.carried();
        same("after");
        let after = keeping.carried();
        assert_eq!(after.dropped - before.dropped, 2, "{before:?} {after:?}");
        assert_eq!(after.kept - before.kept, 1, "{before:?} {after:?}");
        let found = fresh.search(&typo).expect("search");
        assert_eq!(
            found.total, 2,
            "the new close word is found: {:?}",
            found.hits
        );
    }

    /// A rendering of a kept answer is made once and lives as long as the answer: kept
    /// through a commit that could not change the answer, gone with an answer that a
    /// commit dropped.
    #[test]
    fn a_rendering_lives_and_dies_with_its_answer() {
        let (dir, mut indexer, store) = public_index(&[
            ("a.md", "the rollback plan saved the change"),
            ("b.md", "the capacity forecast ran short"),
        ]);
        let file = |name: &str, words: &str| write_up(dir.path(), name, "public", name, words);
        let engine = Engine::new(&store).expect("engine");
        engine.reload().expect("reload");
        let rollback = SearchRequest::new("rollback", Scope::Public);
        let capacity = SearchRequest::new("capacity", Scope::Public);
        assert!(
            engine.kept(&rollback).is_none(),
            "nothing is kept before a search"
        );
        for request in [&rollback, &capacity] {
            engine.search(request).expect("search");
        }
        let renders = std::cell::Cell::new(0);
        let render = |results: &super::SearchResults| {
            renders.set(renders.get() + 1);
            format!("{} hits", results.total)
        };
        let answer = engine.kept(&rollback).expect("kept");
        assert_eq!(answer.rendered(render).map(String::as_str), Some("1 hits"));
        assert_eq!(answer.rendered(render).map(String::as_str), Some("1 hits"));
        assert_eq!(renders.get(), 1, "made once");
        assert_eq!(
            answer.rendered(|_| 7u8),
            None,
            "a rendering of another type"
        );

        // Same length: the statistics of the rollback answer read the same.
        file("b.md", "the capacity forecast ran long");
        indexer.update_paths(dir.path(), ["b.md"]).expect("update");
        engine.reload().expect("reload");
        let still = engine.kept(&rollback).expect("kept through the commit");
        assert!(std::sync::Arc::ptr_eq(&answer, &still), "the same answer");
        assert_eq!(still.rendered(render).map(String::as_str), Some("1 hits"));
        assert_eq!(renders.get(), 1, "kept with its answer");
        assert!(
            engine.kept(&capacity).is_none(),
            "the changed answer is dropped"
        );
        engine.search(&capacity).expect("search");
        let fresh = engine.kept(&capacity).expect("kept again");
        assert_eq!(fresh.rendered(render).map(String::as_str), Some("1 hits"));
        assert_eq!(renders.get(), 2, "made anew for the new answer");
    }

    /// An index of 20 public write-ups with one searcher, then the same after an edit of
    /// one of them.
    fn before_and_after_an_edit() -> (Engine, tantivy::Searcher, tantivy::Searcher) {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = |i: usize, words: &str| {
            let name = format!("w{i}.md");
            write_up(dir.path(), &name, "public", &name, words);
        };
        for i in 0..20 {
            file(i, "rollback plans saved the change");
        }
        let store = Store::in_ram();
        let mut indexer = Indexer::new(&store, WriterOptions::default()).expect("indexer");
        indexer
            .update(dir.path(), Mode::Rebuild, &mut |_| {})
            .expect("index");
        let engine = Engine::new(&store).expect("engine");
        engine.reload().expect("reload");
        let before = engine.searcher(Scope::Public);
        file(3, "rollback plans failed the change");
        indexer.update_paths(dir.path(), ["w3.md"]).expect("update");
        engine.reload().expect("reload");
        let after = engine.searcher(Scope::Public);
        (engine, before, after)
    }

    /// An answer searched before the answers were cleared (the glossary or tuning
    /// changed meanwhile) is not kept.
    #[test]
    fn an_answer_searched_before_a_clear_is_not_kept() {
        let (engine, _, searcher) = before_and_after_an_edit();
        let answers = super::Answers::default();
        let request = SearchRequest::new("rollback", Scope::Public);
        let epoch = answers.epoch();
        let results = engine.search(&request).expect("search");
        answers.clear();
        let put = |epoch| {
            answers.put(
                Scope::Public,
                &searcher,
                &request,
                &results,
                Vec::new(),
                &engine.stats,
                epoch,
            );
            answers.get(Scope::Public, &searcher, &request, &engine.stats)
        };
        assert_eq!(put(epoch), None);
        assert_eq!(put(answers.epoch()), Some(results.clone()));
    }

    /// From older to newer contents the edit is one write-up removed and one added; from
    /// newer to older (a reader that reloaded meanwhile), nothing is kept.
    #[test]
    fn changes_are_found_forwards_and_backwards_keeps_nothing() {
        let (_engine, before, after) = before_and_after_an_edit();
        let forwards = super::Changed::between(&before, &after)
            .expect("read")
            .expect("a small change");
        let docs: usize = forwards.groups.iter().map(|(_, d)| d.len()).sum();
        assert_eq!(docs, 2);
        assert!(
            super::Changed::between(&after, &before)
                .expect("read")
                .is_none()
        );
    }
}
