//! Model-based property test (docs/RELIABILITY.md, C9): random sequences of creating,
//! editing, renaming, deleting, submitting and changing the visibility or status of
//! write-ups, applied to a content folder and to a plain in-memory model. After every step
//! the index is updated incrementally (a full comparison by hash, or path by path as the
//! watcher does), and in every scope the write-ups each unique word finds are exactly the
//! model's.
//!
//! 64 cases in the suite; more on demand: `PROPTEST_CASES=10000 cargo test -p erfa-index
//! --test it model` (docs/BENCHMARKS.md).

use std::collections::BTreeMap;
use std::path::Path;

use erfa_index::{Engine, Indexer, Mode, Scope, SearchRequest, Store, WriterOptions};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;

const STATUSES: [&str; 4] = ["draft", "review", "published", "archived"];
const FOLDERS: [&str; 3] = ["change", "incident", "submissions"];

/// One write-up of the model.
#[derive(Debug, Clone, PartialEq)]
struct Doc {
    folder: usize,
    name: usize,
    public: bool,
    status: usize,
    /// Bumped by every edit: the word changes with it.
    generation: usize,
}

impl Doc {
    fn rel(&self) -> String {
        format!("{}/w{}.md", FOLDERS[self.folder], self.name)
    }

    fn slug(&self) -> String {
        format!("{}/w{}", FOLDERS[self.folder], self.name)
    }

    /// A word only this write-up carries, in letters, each digit tripled: any two such
    /// words differ in three letters or more, past the typo tolerance of a search.
    fn word(&self, id: usize) -> String {
        format!("{id}{:03}", self.generation)
            .bytes()
            .map(|b| ((b'q' + (b - b'0')) as char).to_string().repeat(3))
            .fold("zqx".to_string(), |w, l| w + &l)
    }

    fn text(&self, id: usize) -> String {
        format!(
            "---\ntitle: Write-up {id}\nkind: lesson\nlanguage: en\ndate: 2022-01-01\nvisibility: {}\nstatus: {}\n---\n## Lesson learned\n\nThe word is {}.\n",
            if self.public { "public" } else { "members" },
            STATUSES[self.status],
            self.word(id)
        )
    }

    fn visible(&self, scope: Scope) -> bool {
        match scope {
            Scope::Facilitator => true,
            Scope::Members => STATUSES[self.status] == "published",
            Scope::Public => self.public && STATUSES[self.status] == "published",
        }
    }
}

#[derive(Debug, Clone)]
enum Op {
    Create {
        id: usize,
        folder: usize,
        public: bool,
        status: usize,
    },
    /// What the sharing form does: a new members-only write-up under review.
    Submit {
        id: usize,
    },
    Edit {
        id: usize,
    },
    Rename {
        id: usize,
        name: usize,
    },
    Delete {
        id: usize,
    },
    Visibility {
        id: usize,
        public: bool,
    },
    Status {
        id: usize,
        status: usize,
    },
}

const IDS: usize = 5;

fn op() -> impl Strategy<Value = Op> {
    let id = 0..IDS;
    prop_oneof![
        (id.clone(), 0..2usize, any::<bool>(), 0..4usize).prop_map(
            |(id, folder, public, status)| {
                Op::Create {
                    id,
                    folder,
                    public,
                    status,
                }
            }
        ),
        id.clone().prop_map(|id| Op::Submit { id }),
        id.clone().prop_map(|id| Op::Edit { id }),
        (id.clone(), 0..8usize).prop_map(|(id, name)| Op::Rename { id, name }),
        id.clone().prop_map(|id| Op::Delete { id }),
        (id.clone(), any::<bool>()).prop_map(|(id, public)| Op::Visibility { id, public }),
        (id, 0..4usize).prop_map(|(id, status)| Op::Status { id, status }),
    ]
}

/// The model: write-ups by id.
#[derive(Default)]
struct Model(BTreeMap<usize, Doc>);

impl Model {
    /// Whether another write-up has the path (a create or rename onto it is skipped:
    /// two write-ups never share a file).
    fn taken(&self, id: usize, folder: usize, name: usize) -> bool {
        self.0
            .iter()
            .any(|(other, d)| *other != id && d.folder == folder && d.name == name)
    }

    /// Applies `op` to the model and to `root`; returns the paths it touched.
    fn apply(&mut self, root: &Path, op: &Op) -> Vec<String> {
        let write = |doc: &Doc, id: usize| {
            let path = root.join(doc.rel());
            std::fs::create_dir_all(path.parent().expect("a folder")).expect("mkdir");
            std::fs::write(path, doc.text(id)).expect("write");
        };
        let mut touched = Vec::new();
        match *op {
            Op::Create { id, .. } | Op::Submit { id } if !self.0.contains_key(&id) => {
                let (folder, public, status) = match *op {
                    Op::Create { .. } => (folder_of(op), public_of(op), status_of(op)),
                    _ => (2, false, 1),
                };
                let name = 10 + id;
                if self.taken(id, folder, name) {
                    return touched;
                }
                let doc = Doc {
                    folder,
                    name,
                    public,
                    status,
                    generation: 0,
                };
                write(&doc, id);
                touched.push(doc.rel());
                self.0.insert(id, doc);
            }
            Op::Edit { id } => {
                if let Some(doc) = self.0.get_mut(&id) {
                    doc.generation += 1;
                    write(doc, id);
                    touched.push(doc.rel());
                }
            }
            Op::Rename { id, name } => {
                let taken = self
                    .0
                    .get(&id)
                    .is_some_and(|d| self.taken(id, d.folder, name));
                if let Some(doc) = self.0.get_mut(&id).filter(|_| !taken) {
                    let from = doc.rel();
                    doc.name = name;
                    std::fs::rename(root.join(&from), root.join(doc.rel())).expect("mv");
                    touched.push(from);
                    touched.push(doc.rel());
                }
            }
            Op::Delete { id } => {
                if let Some(doc) = self.0.remove(&id) {
                    std::fs::remove_file(root.join(doc.rel())).expect("rm");
                    touched.push(doc.rel());
                }
            }
            Op::Visibility { id, public } => {
                if let Some(doc) = self.0.get_mut(&id) {
                    doc.public = public;
                    write(doc, id);
                    touched.push(doc.rel());
                }
            }
            Op::Status { id, status } => {
                if let Some(doc) = self.0.get_mut(&id) {
                    doc.status = status;
                    write(doc, id);
                    touched.push(doc.rel());
                }
            }
            _ => {}
        }
        touched
    }
}

fn folder_of(op: &Op) -> usize {
    match op {
        Op::Create { folder, .. } => *folder,
        _ => 2,
    }
}

fn public_of(op: &Op) -> bool {
    matches!(op, Op::Create { public: true, .. })
}

fn status_of(op: &Op) -> usize {
    match op {
        Op::Create { status, .. } => *status,
        _ => 1,
    }
}

/// Slugs a search for `word` finds in `scope`.
fn find(engine: &Engine, word: &str, scope: Scope) -> Vec<String> {
    let mut request = SearchRequest::new(word, scope);
    request.facets = false;
    request.snippets = false;
    let mut slugs: Vec<String> = engine
        .search(&request)
        .expect("search")
        .hits
        .into_iter()
        .map(|h| h.slug)
        .collect();
    slugs.sort();
    slugs
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(64)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        max_shrink_iters: 256,
        rng_seed: RngSeed::Fixed(25),
        ..ProptestConfig::default()
    })]

    #[test]
    fn the_index_answers_as_the_model_after_every_step(
        steps in prop::collection::vec((op(), any::<bool>()), 1..10)
    ) {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        let store = Store::in_ram();
        let engine = Engine::new(&store).expect("engine");
        let mut indexer = Indexer::new(&store, WriterOptions::default()).expect("indexer");
        let mut model = Model::default();
        // Every word any write-up ever carried, by the id it belonged to.
        let mut words: Vec<(usize, String)> = Vec::new();
        for (op, by_path) in &steps {
            let touched = model.apply(root, op);
            if *by_path {
                indexer
                    .update_paths(root, touched.iter().map(String::as_str))
                    .expect("update by path");
            } else {
                indexer.update(root, Mode::Incremental, &mut |_| {}).expect("update");
            }
            engine.reload().expect("reload");
            for (id, doc) in &model.0 {
                let word = doc.word(*id);
                if !words.iter().any(|(_, w)| *w == word) {
                    words.push((*id, word));
                }
            }
            for scope in [Scope::Public, Scope::Members, Scope::Facilitator] {
                for (id, word) in &words {
                    let expected: Vec<String> = model
                        .0
                        .get(id)
                        .filter(|d| d.word(*id) == *word && d.visible(scope))
                        .map(Doc::slug)
                        .into_iter()
                        .collect();
                    prop_assert_eq!(
                        find(&engine, word, scope),
                        expected,
                        "{} in {:?} after {:?}",
                        word,
                        scope,
                        op
                    );
                }
                let count = model.0.values().filter(|d| d.visible(scope)).count() as u64;
                prop_assert_eq!(engine.count(scope).expect("count"), count, "count in {:?}", scope);
            }
        }
    }
}
