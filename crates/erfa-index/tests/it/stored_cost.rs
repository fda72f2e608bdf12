//! What each stored field of a built index costs on disk. Not a check: a measurement,
//! run by hand on a data folder (docs/BENCHMARKS.md, "Indexing"):
//!
//! `ERFA_STORED_COST_DATA=<data folder> cargo test -p erfa-index --test it stored_cost -- --ignored --nocapture`
//!
//! The stored values of every write-up in the full index go into fresh indexes that only
//! store them: each field alone with the index's own settings, then all of them with other
//! block sizes and compressors; the `.store` bytes of each are its cost.

use erfa_index::Store;
use tantivy::schema::document::Value;
use tantivy::schema::{STORED, Schema};
use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::{Index, IndexSettings, TantivyDocument};

fn store_bytes(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .expect("read_dir")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "store"))
        .map(|e| e.metadata().expect("metadata").len())
        .sum()
}

/// The `.store` bytes of `docs` stored with `settings`, keeping only `keep` fields.
fn stored(
    schema: &Schema,
    docs: &[TantivyDocument],
    settings: IndexSettings,
    keep: &dyn Fn(tantivy::schema::Field) -> bool,
) -> (u64, u64) {
    // The same field ids, every field only stored, so nothing is analysed.
    let mut builder = Schema::builder();
    for (_, entry) in schema.fields() {
        if entry.field_type().value_type() == tantivy::schema::Type::Bytes {
            builder.add_bytes_field(entry.name(), STORED);
        } else {
            builder.add_text_field(entry.name(), STORED);
        }
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let index = Index::builder()
        .schema(builder.build())
        .settings(settings)
        .create_in_dir(dir.path())
        .expect("index");
    let mut writer: tantivy::IndexWriter<TantivyDocument> = index
        .writer_with_num_threads(1, 50_000_000)
        .expect("writer");
    let mut raw = 0u64;
    for doc in docs {
        let mut only = TantivyDocument::default();
        for (field, value) in doc.field_values() {
            if !keep(field) {
                continue;
            }
            let Some(text) = value.as_str().map(str::as_bytes).or(value.as_bytes()) else {
                continue;
            };
            raw += text.len() as u64;
            only.add_field_value(field, value);
        }
        writer.add_document(only).expect("add");
    }
    writer.commit().expect("commit");
    writer.wait_merging_threads().expect("merge");
    (raw, store_bytes(dir.path()))
}

fn mb(bytes: u64) -> String {
    format!("{:.2}", bytes as f64 / 1e6)
}

#[test]
#[ignore = "a measurement of a real data folder, run by hand"]
fn stored_cost() {
    let Some(data) = std::env::var_os("ERFA_STORED_COST_DATA") else {
        return;
    };
    let store = Store::open_read_only(std::path::Path::new(&data)).expect("an index");
    let reader = store.full.reader().expect("reader");
    let searcher = reader.searcher();
    let settings = store.full.settings().clone();
    let schema = store.fields.schema.clone();
    let mut docs = Vec::new();
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        for doc in segment.doc_ids_alive() {
            let address = tantivy::DocAddress::new(ord as u32, doc);
            docs.push(searcher.doc::<TantivyDocument>(address).expect("doc"));
        }
    }
    println!("{} write-ups; settings {settings:?}", docs.len());
    println!("| stored field | raw MB | alone, compressed MB |");
    println!("|---|---:|---:|");
    for (field, entry) in schema.fields().filter(|(_, e)| e.is_stored()) {
        let (raw, disk) = stored(&schema, &docs, settings.clone(), &|f| f == field);
        println!("| {} | {} | {} |", entry.name(), mb(raw), mb(disk));
    }
    println!("| all stored fields: compressor, block | raw MB | compressed MB |");
    println!("|---|---:|---:|");
    for (name, compressor) in [
        ("lz4", Compressor::Lz4),
        (
            "zstd 3",
            Compressor::Zstd(ZstdCompressor {
                compression_level: Some(3),
            }),
        ),
        (
            "zstd 9",
            Compressor::Zstd(ZstdCompressor {
                compression_level: Some(9),
            }),
        ),
    ] {
        for block in [4096, 16384, 65536] {
            let settings = IndexSettings {
                docstore_compression: compressor,
                docstore_blocksize: block,
                ..IndexSettings::default()
            };
            let (raw, disk) = stored(&schema, &docs, settings, &|_| true);
            println!(
                "| {name}, {} KiB | {} | {} |",
                block / 1024,
                mb(raw),
                mb(disk)
            );
        }
    }
}
