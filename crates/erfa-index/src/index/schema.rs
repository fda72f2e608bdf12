//! The tantivy schema and analyzers: the only home of field names.
//!
//! Text is indexed per language (`*_da`, `*_en`) so each field has one stemmer; a query
//! is analysed with both and searches both. æ, ø and å are kept: "rød" is not "rod".
//! Facets are raw `STRING` fields with fast columns, so filters are term queries and
//! counts come from the columns.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    Language as StemLanguage, LowerCaser, RemoveLongFilter, SimpleTokenizer, SplitCompoundWords,
    StopWordFilter, TextAnalyzer,
};

use crate::index::acronym::LowerWords;
use crate::index::rewrite::Rewriting;
use crate::index::stem::Stem;
use tantivy::{Index, TantivyDocument};

use crate::content::document::Document;
use crate::content::markdown::Section;
use crate::content::vocab::{Language, Visibility};

/// Bump when the schema, the analyzers, what goes into a field or how documents are stored
/// changes: an index with another version is rebuilt by itself.
pub const INDEX_VERSION: u32 = 14;

/// Danish analyzer name.
pub const ANALYZER_DA: &str = "erfa_da";
/// English analyzer name.
pub const ANALYZER_EN: &str = "erfa_en";
/// Danish analyzer that also splits compounds into their parts.
pub const ANALYZER_DA_PARTS: &str = "erfa_da_parts";
/// Language-neutral analyzer (tags, tools): lower-case words, no stemming.
pub const ANALYZER_PLAIN: &str = "erfa_plain";

/// Text fields that a query searches, with their language and ranking weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TextPart {
    /// The title.
    Title,
    /// The summary.
    Summary,
    /// "Lesson learned".
    Lesson,
    /// "Mistake to avoid".
    Mistake,
    /// Everything else.
    Body,
}

impl TextPart {
    /// All parts.
    pub const ALL: [TextPart; 5] = [
        TextPart::Title,
        TextPart::Summary,
        TextPart::Lesson,
        TextPart::Mistake,
        TextPart::Body,
    ];

    /// BM25 weight of a match in this part: title highest; summary, lesson and mistake
    /// high; body normal.
    pub fn weight(self) -> f32 {
        match self {
            TextPart::Title => 1.25,
            TextPart::Summary | TextPart::Lesson | TextPart::Mistake => 1.1,
            TextPart::Body => 1.0,
        }
    }

    /// The stable name used in results ("snippet.section").
    pub fn name(self) -> &'static str {
        match self {
            TextPart::Title => "title",
            TextPart::Summary => "summary",
            TextPart::Lesson => "lesson",
            TextPart::Mistake => "mistake",
            TextPart::Body => "body",
        }
    }
}

/// Weight of the language-neutral keywords (tags, tools, practices).
pub const KEYWORDS_WEIGHT: f32 = 1.1;

/// Facet fields, by their front-matter name.
pub const FACETS: [&str; 10] = [
    "kind",
    "practices",
    "tags",
    "year",
    "language",
    "sector",
    "org_size",
    "tools",
    "meeting",
    "confidence",
];

/// Fields that filter but are not shown as facets.
/// `merged` marks a write-up with `duplicate_of`: its text lives on in the kept one, so
/// members' results, facets and feeds leave it out.
pub const FILTER_ONLY: [&str; 4] = ["status", "visibility", "sections", "merged"];

/// Handles to every field of the schema.
#[derive(Debug, Clone)]
pub struct Fields {
    /// The tantivy schema.
    pub schema: Schema,
    /// Slug: exact, fast (tie-breaks). Not stored: the record holds it.
    pub slug: Field,
    /// Path relative to the content root: exact, fast. Not stored: the record holds it.
    pub path: Field,
    /// Content hash: exact, fast.
    pub hash: Field,
    /// Date as a day number; 0 when undated. Fast, for "newest".
    pub date: Field,
    /// The stored record (JSON).
    pub record: Field,
    /// The Markdown source, stored as UTF-8 bytes after every other stored field, so that
    /// a search reads a hit's record and sections without it (see the `stored` module).
    pub markdown: Field,
    /// Tags, tools and practices as words, for free-text search.
    pub keywords: Field,
    /// Every word of the write-up, lower-cased and unstemmed: the vocabulary for typo
    /// tolerance and "did you mean".
    pub words: Field,
    /// The title as one exact value, for suggestions.
    pub title: Field,
    /// Danish text with compounds split into their parts ("hændelsesstyring" is also
    /// "hændelse" and "styring"); the whole words stay searchable in the text fields.
    pub parts_da: Field,
    /// Each tag's key and spelling, `key\u{1f}spelling`, fast: pages show a tag by its
    /// most common spelling among the write-ups a viewer may read.
    pub tag_spellings: Field,
    /// The slug a write-up is a translation of (`translation_of`), exact: related
    /// write-ups find a write-up's translations in the other language.
    pub translation: Field,
    /// The write-up's old slugs (`aliases`), each as [`link_value`] makes it, less its own
    /// slug: an old address finds the write-up that took it over. Empty in the public
    /// index ([`public_front`]).
    pub aliases: Field,
    /// The slugs a write-up replaces (`supersedes`), exact: a write-up's page names what
    /// replaced it.
    pub supersedes: Field,
    text: [[Field; 2]; 5],
    facets: Vec<(&'static str, Field)>,
}

/// Where a language's entry is in a per-language array.
pub(crate) fn lang_index(language: Language) -> usize {
    match language {
        Language::Da => 0,
        Language::En => 1,
    }
}

impl Fields {
    /// Builds the schema.
    pub fn new() -> Fields {
        let mut b = Schema::builder();
        let slug = b.add_text_field("slug", STRING | FAST);
        let path = b.add_text_field("path", STRING | FAST);
        let hash = b.add_text_field("hash", STRING | FAST);
        let date = b.add_u64_field("date", INDEXED | FAST);
        let record = b.add_text_field("record", STORED);
        let markdown = b.add_bytes_field("markdown", STORED);
        let text_options = |analyzer: &str, stored: bool| {
            let options = TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(analyzer)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            );
            if stored {
                options.set_stored()
            } else {
                options
            }
        };
        let keywords = b.add_text_field("keywords", text_options(ANALYZER_PLAIN, false));
        let words = b.add_text_field(
            "words",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(ANALYZER_PLAIN)
                    .set_index_option(IndexRecordOption::Basic),
            ),
        );
        let title = b.add_text_field("title", STRING | FAST);
        let parts_da = b.add_text_field(
            "parts_da",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(ANALYZER_DA_PARTS)
                    .set_index_option(IndexRecordOption::WithFreqs),
            ),
        );
        let translation = b.add_text_field("translation", STRING);
        let aliases = b.add_text_field("aliases", STRING);
        let supersedes = b.add_text_field("supersedes", STRING);
        let tag_spellings = b.add_text_field("tag_spellings", STRING | FAST);
        let mut text = [[slug; 2]; 5];
        for part in TextPart::ALL {
            // Titles come from the record; the other parts are stored for snippets.
            let stored = part != TextPart::Title;
            for (i, (suffix, analyzer)) in [("da", ANALYZER_DA), ("en", ANALYZER_EN)]
                .into_iter()
                .enumerate()
            {
                text[part as usize][i] = b.add_text_field(
                    &format!("{}_{suffix}", part.name()),
                    text_options(analyzer, stored),
                );
            }
        }
        let facets = FACETS
            .iter()
            .chain(FILTER_ONLY.iter())
            .map(|name| (*name, b.add_text_field(name, STRING | FAST)))
            .collect();
        Fields {
            schema: b.build(),
            slug,
            path,
            hash,
            date,
            record,
            markdown,
            keywords,
            words,
            title,
            parts_da,
            tag_spellings,
            translation,
            aliases,
            supersedes,
            text,
            facets,
        }
    }

    /// The text field of `part` in `language`.
    pub fn text(&self, part: TextPart, language: Language) -> Field {
        self.text[part as usize][lang_index(language)]
    }

    /// A facet or filter field by its front-matter name.
    pub fn facet(&self, name: &str) -> Option<Field> {
        self.facets
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, f)| *f)
    }

    /// Registers erfa's analyzers; needed every time an index is opened or created.
    pub fn register_analyzers(index: &Index) {
        let manager = index.tokenizers();
        manager.register(ANALYZER_DA, analyzer(Some(StemLanguage::Danish)));
        manager.register(ANALYZER_EN, analyzer(Some(StemLanguage::English)));
        manager.register(ANALYZER_PLAIN, analyzer(None));
        manager.register(ANALYZER_DA_PARTS, compound_analyzer());
    }

    /// Makes the compound analyzer of `index` split with the shipped parts and `extra`.
    /// Documents indexed before keep their old split: the caller reindexes them.
    pub fn register_compounds(index: &Index, extra: &[String]) {
        index
            .tokenizers()
            .register(ANALYZER_DA_PARTS, compound_analyzer_with(extra));
    }

    /// The tantivy document for a write-up. `public` leaves out what only members may
    /// see ([`public_front`]).
    pub fn to_tantivy(&self, doc: &Document, public: bool) -> TantivyDocument {
        let mut t = TantivyDocument::default();
        let stripped;
        let front = if public {
            stripped = public_front(&doc.front);
            &stripped
        } else {
            &doc.front
        };
        let lang = doc.language;
        t.add_text(self.slug, &doc.slug);
        t.add_text(self.path, &doc.path);
        t.add_text(self.hash, &doc.hash);
        // "Newest" is newest in erfa: when it was published, else when it happened.
        let newest = front.published.or(front.date);
        t.add_u64(self.date, newest.map_or(0, |d| u64::from(d.ordinal())));
        let record = Record::from_document(doc, public);
        t.add_text(
            self.record,
            serde_json::to_string(&record).expect("a record always serialises"),
        );
        t.add_text(self.text(TextPart::Title, lang), &front.title);
        if let Some(summary) = &front.summary {
            t.add_text(self.text(TextPart::Summary, lang), summary);
        }
        if let Some(lesson) = doc.sections.get(Section::Lesson) {
            t.add_text(self.text(TextPart::Lesson, lang), lesson);
        }
        if let Some(mistake) = doc.sections.get(Section::Mistake) {
            t.add_text(self.text(TextPart::Mistake, lang), mistake);
        }
        let body = doc.sections.body();
        if !body.is_empty() {
            t.add_text(self.text(TextPart::Body, lang), &body);
        }
        // The last stored field: searches stop reading before it.
        t.add_bytes(self.markdown, doc.markdown.as_bytes());
        let mut keywords = Vec::new();
        keywords.extend(front.tags.iter().map(String::as_str));
        keywords.extend(front.tools.iter().map(String::as_str));
        keywords.extend(front.practices.iter().map(String::as_str));
        t.add_text(self.keywords, keywords.join(" "));
        t.add_text(self.title, &front.title);
        for tag in &front.tags {
            let key = crate::content::slug::tag(tag);
            if !key.is_empty() {
                t.add_text(self.tag_spellings, format!("{key}\u{1f}{}", tag.trim()));
            }
        }
        if let Some(original) = &front.translation_of {
            t.add_text(self.translation, link_value(original));
        }
        for old in &front.supersedes {
            t.add_text(self.supersedes, link_value(old));
        }
        for alias in &front.aliases {
            let alias = link_value(alias).to_lowercase();
            if !alias.is_empty() && alias != doc.slug {
                t.add_text(self.aliases, alias);
            }
        }
        t.add_text(self.words, &front.title);
        if let Some(summary) = &front.summary {
            t.add_text(self.words, summary);
        }
        t.add_text(self.words, doc.sections.all_text());
        t.add_text(self.words, keywords.join(" "));
        if lang == Language::Da {
            t.add_text(self.parts_da, &front.title);
            if let Some(summary) = &front.summary {
                t.add_text(self.parts_da, summary);
            }
            t.add_text(self.parts_da, doc.sections.all_text());
        }

        let mut facet = |name: &str, value: &str| {
            if let Some(field) = self.facet(name) {
                t.add_text(field, value);
            }
        };
        facet("kind", front.kind.as_str());
        for p in &front.practices {
            facet("practices", p);
        }
        for tag in &front.tags {
            facet("tags", &crate::content::slug::tag(tag));
        }
        if let Some(date) = front.date {
            facet("year", &date.year.to_string());
        }
        facet("language", lang.as_str());
        if let Some(sector) = front.sector {
            facet("sector", sector.as_str());
        }
        if let Some(size) = front.org_size {
            facet("org_size", size.as_str());
        }
        for tool in &front.tools {
            facet("tools", tool);
        }
        if let Some(meeting) = &front.meeting {
            facet("meeting", meeting);
        }
        facet("status", front.status.as_str());
        if front.duplicate_of.is_some() {
            facet("merged", "yes");
        }
        facet("visibility", front.visibility.as_str());
        if let Some(confidence) = front.confidence {
            facet("confidence", confidence.as_str());
        }
        if doc.sections.get(Section::Lesson).is_some() {
            facet("sections", "lesson");
        }
        if doc.sections.get(Section::Mistake).is_some() {
            facet("sections", "mistake");
        }
        t
    }
}

impl Default for Fields {
    fn default() -> Self {
        Fields::new()
    }
}

/// The shipped list of Danish compound parts.
pub const COMPOUND_PARTS_DA: &str = include_str!("compounds_da.txt");

/// The dictionary for compound splitting: each listed word, with the linking -s or -e that
/// Danish compounds put between parts and with the inflections of a last part.
pub fn compound_dictionary() -> Vec<String> {
    compound_dictionary_with(&[])
}

/// [`compound_dictionary`] with the group's own parts (`content/_compounds.yaml`) too.
pub fn compound_dictionary_with(extra: &[String]) -> Vec<String> {
    let mut words = Vec::new();
    let shipped = COMPOUND_PARTS_DA.lines().map(str::trim);
    for word in shipped.chain(extra.iter().map(String::as_str)) {
        if word.is_empty() || word.starts_with('#') {
            continue;
        }
        // Linking -s/-e between parts, and inflections of the last part.
        for ending in [
            "", "s", "e", "er", "erne", "en", "ens", "et", "ets", "r", "rne", "n", "ne", "t",
        ] {
            words.push(format!("{word}{ending}"));
        }
    }
    words.sort();
    words.dedup();
    words
}

fn compound_analyzer() -> TextAnalyzer {
    compound_analyzer_with(&[])
}

fn compound_analyzer_with(extra: &[String]) -> TextAnalyzer {
    let split = SplitCompoundWords::from_dictionary(compound_dictionary_with(extra))
        .expect("a dictionary of plain words builds an automaton");
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(48))
        .filter(LowerCaser)
        .filter(crate::index::digit_tail::DigitTail)
        .filter(split)
        .filter(StopWordFilter::new(StemLanguage::Danish).expect("tantivy has Danish stop words"))
        .filter(Stem::danish())
        .build()
}

fn analyzer(language: Option<StemLanguage>) -> TextAnalyzer {
    let builder =
        TextAnalyzer::builder(SimpleTokenizer::default()).filter(RemoveLongFilter::limit(48));
    match language {
        Some(language) => {
            let stop =
                StopWordFilter::new(language).expect("tantivy has Danish and English stop words");
            let stem = match language {
                StemLanguage::English => Stem::english(),
                _ => Stem::danish(),
            };
            // Acronyms stay upper-case past the stop words ("MED" is a word, "med" is not).
            builder
                .filter(Rewriting(LowerWords))
                .filter(stop)
                .filter(LowerCaser)
                .filter(stem)
                .build()
        }
        None => builder.filter(LowerCaser).build(),
    }
}

/// A slug as another write-up's front matter names it (`translation_of`, `supersedes`,
/// `aliases`): without surrounding blanks and slashes.
pub fn link_value(value: &str) -> &str {
    value.trim().trim_matches('/')
}

/// The front matter as the public index holds it: without the organisation, and without
/// `org_size` and `tools` — in a group of a few dozen organisations, sector, size and tool
/// together name one (docs/SECURITY.md) — and without `aliases`, which may name slugs that
/// were never public. Nothing of these is stored, searchable or counted for anonymous
/// visitors.
pub fn public_front(
    front: &crate::content::front_matter::FrontMatter,
) -> crate::content::front_matter::FrontMatter {
    let mut front = front.clone();
    front.organisation = None;
    front.org_size = None;
    front.tools.clear();
    front.aliases.clear();
    front
}

/// What the index stores about a write-up for display: front matter, slug, path and
/// language. In the public index, the front matter is [`public_front`].
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Record {
    /// URL name.
    pub slug: String,
    /// Path relative to the content root.
    pub path: String,
    /// Language, as written or detected.
    pub language: Language,
    /// Whether the write-up has a lesson section.
    pub has_lesson: bool,
    /// Whether the write-up has a mistake section.
    pub has_mistake: bool,
    /// The front matter.
    pub front: crate::content::front_matter::FrontMatter,
}

impl Record {
    /// The record of a parsed document.
    pub fn from_document(doc: &Document, public: bool) -> Record {
        let front = if public {
            public_front(&doc.front)
        } else {
            doc.front.clone()
        };
        debug_assert!(!public || front.visibility == Visibility::Public);
        Record {
            slug: doc.slug.clone(),
            path: doc.path.clone(),
            language: doc.language,
            has_lesson: doc.sections.get(Section::Lesson).is_some(),
            has_mistake: doc.sections.get(Section::Mistake).is_some(),
            front,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::TokenStream;

    fn tokens(analyzer_name: &str, text: &str) -> Vec<String> {
        let index = Index::create_in_ram(Fields::new().schema);
        Fields::register_analyzers(&index);
        let mut analyzer = index.tokenizers().get(analyzer_name).expect("registered");
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(token) = stream.next() {
            out.push(token.text.clone());
        }
        out
    }

    #[test]
    fn danish_inflections_share_a_stem() {
        let stems = tokens(ANALYZER_DA, "hændelser hændelsen hændelse");
        assert_eq!(stems[0], stems[1]);
        assert_eq!(stems[1], stems[2]);
    }

    #[test]
    fn danish_letters_are_not_folded() {
        assert_ne!(tokens(ANALYZER_DA, "rød"), tokens(ANALYZER_DA, "rod"));
        assert_ne!(tokens(ANALYZER_DA, "rød"), tokens(ANALYZER_DA, "rod"));
    }

    #[test]
    fn english_plural_matches_singular() {
        assert_eq!(
            tokens(ANALYZER_EN, "incidents"),
            tokens(ANALYZER_EN, "incident")
        );
        assert!(tokens(ANALYZER_EN, "the").is_empty());
    }

    #[test]
    fn acronyms_are_words_where_their_lower_case_is_a_stop_word() {
        assert_eq!(
            tokens(ANALYZER_DA, "MED-udvalget mødes med ledelsen. Med tiden"),
            ["med", "udvalg", "mød", "led", "tid"]
        );
        assert_eq!(
            tokens(ANALYZER_EN, "IT service: it is the IT team"),
            ["it", "servic", "it", "team"]
        );
        assert!(tokens(ANALYZER_DA, "med Med").is_empty());
        assert!(tokens(ANALYZER_EN, "It it").is_empty());
        // Words in capitals that are not stop words are indexed as before.
        assert_eq!(
            tokens(ANALYZER_EN, "INCIDENTS"),
            tokens(ANALYZER_EN, "incident")
        );
        assert_eq!(
            tokens(ANALYZER_DA, "HÆNDELSER"),
            tokens(ANALYZER_DA, "hændelser")
        );
    }

    #[test]
    fn compounds_split_into_their_parts() {
        let parts = tokens(
            ANALYZER_DA_PARTS,
            "hændelsesstyring ændringsanmodning kaffe",
        );
        let stems = tokens(ANALYZER_DA, "hændelse styring ændring anmodning kaffe");
        assert_eq!(parts, stems);
    }

    #[test]
    fn a_product_name_after_a_digit_is_a_part() {
        // The name is cut from the word as written, then stemmed as the word typed is.
        for (word, typed) in [
            ("OS2borgerPC'erne", "os2borgerpc borgerpc erne"),
            ("OS2adresse", "os2adresse adresse"),
            ("OS2ydelse", "os2ydelse ydelse"),
        ] {
            assert_eq!(
                tokens(ANALYZER_DA_PARTS, word),
                tokens(ANALYZER_DA, typed),
                "{word}"
            );
        }
    }

    #[test]
    fn the_compound_list_matches_the_index_version() {
        // Changing compounds_da.txt changes what the index holds: bump INDEX_VERSION and
        // record the new hash here.
        let hash = crate::content::document::content_hash(COMPOUND_PARTS_DA.as_bytes());
        assert_eq!(
            (INDEX_VERSION, hash.as_str()),
            (14, "704fa1fa33cc9c6cb329c84e1eb019a2")
        );
    }

    #[test]
    fn field_names_are_unique() {
        let fields = Fields::new();
        let mut names: Vec<_> = fields
            .schema
            .fields()
            .map(|(_, e)| e.name().to_string())
            .collect();
        let n = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), n);
    }
}
