//! Reading stored write-ups, only as far as a caller needs.
//!
//! A stored write-up holds, in this order: its record (JSON), the text of its
//! sections, and last its Markdown source as bytes ([`Fields::to_tantivy`]). A search
//! needs each hit's record and, for snippets, its section texts; the Markdown, about half
//! of a write-up's stored bytes, is only for the write-up page and export, which read the
//! whole document. Stored strings are checked as UTF-8 when read, so what is not needed
//! is best not read at all.
//!
//! [`Fields::to_tantivy`]: crate::index::schema::Fields::to_tantivy

use tantivy::schema::document::{DeserializeError, DocumentDeserialize, DocumentDeserializer};
use tantivy::schema::{Field, OwnedValue};

use crate::index::schema::{Fields, Record};

/// The id of the record field (checked by a test against [`Fields::new`]).
const RECORD_FIELD_ID: u32 = 4;

/// The stored strings of a write-up (record and section texts), without the
/// Markdown source: it is the document's last value, and is not read.
#[derive(Debug, Default)]
pub(crate) struct Texts {
    values: Vec<(Field, String)>,
}

impl Texts {
    /// The text stored in `field`, if any.
    pub(crate) fn get(&self, field: Field) -> Option<&str> {
        self.values
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, text)| text.as_str())
    }

    /// The write-up's record.
    pub(crate) fn record(&self, fields: &Fields) -> Option<Record> {
        serde_json::from_str(self.get(fields.record)?).ok()
    }

    fn read<'de, D: DocumentDeserializer<'de>>(
        mut deserializer: D,
        until_record: bool,
    ) -> Result<Texts, DeserializeError> {
        // The Markdown is always the last value: stop before it.
        let before_markdown = deserializer.size_hint().saturating_sub(1);
        let mut values = Vec::with_capacity(before_markdown);
        for _ in 0..before_markdown {
            let Some((field, value)) = deserializer.next_field::<OwnedValue>()? else {
                break;
            };
            let last = until_record && field.field_id() == RECORD_FIELD_ID;
            if let OwnedValue::Str(text) = value {
                values.push((field, text));
            }
            if last {
                break;
            }
        }
        Ok(Texts { values })
    }
}

impl DocumentDeserialize for Texts {
    fn deserialize<'de, D: DocumentDeserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, DeserializeError> {
        Texts::read(deserializer, false)
    }
}

/// The stored strings of a write-up up to its record: all a hit
/// needs when it has no snippet to find.
#[derive(Debug, Default)]
pub(crate) struct Head(pub(crate) Texts);

impl DocumentDeserialize for Head {
    fn deserialize<'de, D: DocumentDeserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, DeserializeError> {
        Texts::read(deserializer, true).map(Head)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::vocab::Language;
    use crate::index::schema::TextPart;

    #[test]
    fn the_record_field_id_is_the_schemas() {
        assert_eq!(Fields::new().record.field_id(), RECORD_FIELD_ID);
    }

    #[test]
    fn heads_stop_at_the_record_and_texts_skip_the_markdown() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path();
        std::fs::write(
            content.join("a.md"),
            "---\ntitle: Frozen changes\nkind: lesson\nsummary: A freeze.\n---\n\n\
             ## Lesson learned\n\nFreeze early.\n\n## What happened\n\nWe froze late.\n",
        )
        .unwrap();
        let (engine, _) = crate::Engine::in_memory(content).unwrap();
        let searcher = engine.searcher(crate::Scope::Members);
        let address = tantivy::DocAddress::new(0, 0);
        let fields = &engine.fields;

        let texts: Texts = searcher.doc(address).unwrap();
        assert_eq!(texts.record(fields).unwrap().front.title, "Frozen changes");
        assert_eq!(
            texts.get(fields.text(TextPart::Lesson, Language::En)),
            Some("Freeze early.")
        );
        assert!(texts.get(fields.markdown).is_none());

        let Head(head) = searcher.doc(address).unwrap();
        assert_eq!(head.record(fields).unwrap().slug, "a");
        assert!(
            head.get(fields.text(TextPart::Lesson, Language::En))
                .is_none()
        );

        let whole: tantivy::TantivyDocument = searcher.doc(address).unwrap();
        assert!(engine.markdown(&whole).contains("We froze late."));
    }
}
