//! The group's meetings list (`content/_meetings.yaml`, docs/FORMAT.md) as pages use it:
//! read when it changes, a meeting shown by its title and date, newest first.

use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use erfa_index::Date;
use erfa_index::meetings::{Meeting, Meetings};

/// What the file looked like when it was last read: its modification time and length.
type Stamp = Option<(SystemTime, u64)>;

/// The list, read again whenever the file's modification time or length changes, so
/// that an edit shows on the next page without a restart.
#[derive(Debug, Default)]
pub(crate) struct Cache {
    read: Mutex<Option<(Stamp, Arc<Option<Meetings>>)>>,
}

impl Cache {
    /// The list in `content`, or `None` without one.
    pub(crate) fn get(&self, content: &std::path::Path) -> Arc<Option<Meetings>> {
        let path = content.join(erfa_index::meetings::FILE_NAME);
        let stamp: Stamp = std::fs::metadata(&path)
            .ok()
            .map(|m| (m.modified().unwrap_or(SystemTime::UNIX_EPOCH), m.len()));
        let mut read = self.read.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((seen, list)) = read.as_ref()
            && *seen == stamp
        {
            return list.clone();
        }
        let list = Arc::new(Meetings::load(content).meetings);
        *read = Some((stamp, list.clone()));
        list
    }
}

/// How a page names the meeting `id`: its title and date when the list has it, else the
/// id as written.
pub(crate) fn label(meetings: Option<&Meetings>, id: &str) -> String {
    match meetings.and_then(|m| m.get(id)) {
        Some(m) => format!("{} ({})", m.title, m.date),
        None => id.to_string(),
    }
}

/// A meeting as one line: title, date and place, and its theme.
pub(crate) fn describe(m: &Meeting) -> String {
    match &m.theme {
        Some(theme) => format!("{} · {} · {} · {theme}", m.title, m.date, m.place),
        None => format!("{} · {} · {}", m.title, m.date, m.place),
    }
}

/// The date that orders the meeting `id`: the list's date, else a date read from an id
/// such as `2024-Q3` or `2024-09-12`, else none (ordered last).
pub(crate) fn date_of(meetings: Option<&Meetings>, id: &str) -> Option<Date> {
    match meetings.and_then(|m| m.get(id)) {
        Some(m) => Some(m.date),
        None => date_in_id(id),
    }
}

/// The first day of the quarter or month an id such as `2024-Q3`, `2024-09` or
/// `2024-09-12` names.
pub(crate) fn date_in_id(id: &str) -> Option<Date> {
    let id = id.trim();
    if let Some(date) = Date::parse(id) {
        return Some(date);
    }
    let (year, rest) = id.split_once('-')?;
    let year: u16 = year.parse().ok().filter(|_| year.len() == 4)?;
    let month = match rest.strip_prefix(['Q', 'q']) {
        Some("1") => 1,
        Some("2") => 4,
        Some("3") => 7,
        Some("4") => 10,
        Some(_) => return None,
        None => rest.parse::<u8>().ok().filter(|m| (1..=12).contains(m))?,
    };
    Date::parse(&format!("{year:04}-{month:02}-01"))
}

/// Sorts values naming meetings newest first (by date, then id); undated ones last.
pub(crate) fn sort_newest_first<T>(
    meetings: Option<&Meetings>,
    values: &mut [T],
    id: impl Fn(&T) -> &str,
) {
    values.sort_by(|a, b| {
        let (a, b) = (id(a), id(b));
        date_of(meetings, b)
            .cmp(&date_of(meetings, a))
            .then_with(|| b.cmp(a))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list() -> Meetings {
        Meetings::parse(
            "meetings:\n  - id: spring\n    date: 2024-03-14\n    place: Odense\n    title: Forårsmøde\n  - id: 2023-Q4\n    date: 2023-12-07\n    place: Aarhus\n    title: Netværksmøde 4/2023\n    theme: CAB\n",
        )
        .meetings
        .expect("list")
    }

    #[test]
    fn meetings_are_named_by_title_and_date_and_ordered_newest_first() {
        let list = list();
        assert_eq!(label(Some(&list), "spring"), "Forårsmøde (2024-03-14)");
        assert_eq!(label(Some(&list), "2022-Q1"), "2022-Q1");
        assert_eq!(label(None, "spring"), "spring");
        assert_eq!(
            describe(list.get("2023-Q4").expect("listed")),
            "Netværksmøde 4/2023 · 2023-12-07 · Aarhus · CAB"
        );
        let mut ids = vec!["2022-Q1", "efterår", "spring", "2023-Q4", "2024-Q4"];
        sort_newest_first(Some(&list), &mut ids, |s| s);
        assert_eq!(ids, ["2024-Q4", "spring", "2023-Q4", "2022-Q1", "efterår"]);
    }

    #[test]
    fn ids_that_name_a_quarter_month_or_day_start_on_its_first_day() {
        let start = |id: &str| date_in_id(id).map(|d| d.to_string());
        assert_eq!(start("2023-Q2").as_deref(), Some("2023-04-01"));
        assert_eq!(start("2023-11").as_deref(), Some("2023-11-01"));
        assert_eq!(start("2023-11-15").as_deref(), Some("2023-11-15"));
        assert_eq!(start("spring"), None);
        assert_eq!(start("2023-Q5"), None);
    }

    #[test]
    fn an_edit_of_the_list_is_read_on_the_next_call() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = Cache::default();
        assert_eq!(*cache.get(dir.path()), None);
        let file = dir.path().join(erfa_index::meetings::FILE_NAME);
        std::fs::write(
            &file,
            "meetings:\n  - id: a\n    date: 2024-01-11\n    place: P\n    title: A\n",
        )
        .expect("write");
        let first = cache.get(dir.path());
        assert_eq!(first.as_ref().as_ref().map(|m| m.all().len()), Some(1));
        std::fs::write(&file, "meetings:\n  - id: a\n    date: 2024-01-11\n    place: P\n    title: A\n  - id: b\n    date: 2024-04-11\n    place: P\n    title: B\n")
            .expect("write");
        let second = cache.get(dir.path());
        assert_eq!(second.as_ref().as_ref().map(|m| m.all().len()), Some(2));
        std::fs::remove_file(&file).expect("remove");
        assert_eq!(*cache.get(dir.path()), None);
    }
}
