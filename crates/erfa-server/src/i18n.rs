//! Every string of the user interface, in Danish and English, and how a request picks one.
//!
//! A remembered choice (the `lang` cookie, set by `/lang/{da|en}`) wins; otherwise the
//! first of Danish and English in `Accept-Language` by quality; otherwise English.

use axum::http::HeaderMap;
use axum::http::header::ACCEPT_LANGUAGE;
use erfa_accounts::FlagReason;

/// The language of the user interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Dansk.
    Da,
    /// English.
    En,
}

/// The name of the cookie that remembers the language.
pub const COOKIE_NAME: &str = "lang";

impl Lang {
    /// `da` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Da => "da",
            Lang::En => "en",
        }
    }

    /// Parses `da` or `en`.
    pub fn parse(text: &str) -> Option<Lang> {
        match text {
            "da" => Some(Lang::Da),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The other language, for the switch.
    pub fn other(self) -> Lang {
        match self {
            Lang::Da => Lang::En,
            Lang::En => Lang::Da,
        }
    }

    /// The language for a request: the `lang` cookie, else `Accept-Language`, else English.
    pub fn negotiate(headers: &HeaderMap) -> Lang {
        if let Some(lang) = crate::access::cookie(headers, COOKIE_NAME).and_then(Lang::parse) {
            return lang;
        }
        let mut best: Option<(f32, usize, Lang)> = None;
        for (position, item) in headers
            .get_all(ACCEPT_LANGUAGE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .enumerate()
        {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let quality = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or_default();
            let lang = match primary {
                "da" => Lang::Da,
                "en" => Lang::En,
                // Norwegian and Swedish readers usually read Danish better than English.
                "nb" | "nn" | "no" | "sv" => Lang::Da,
                _ => continue,
            };
            if quality <= 0.0 {
                continue;
            }
            let better = match best {
                None => true,
                Some((q, p, _)) => quality > q || (quality == q && position < p),
            };
            if better {
                best = Some((quality, position, lang));
            }
        }
        best.map_or(Lang::En, |(_, _, lang)| lang)
    }

    /// The strings of this language.
    pub fn t(self) -> &'static Strings {
        match self {
            Lang::Da => &DA,
            Lang::En => &EN,
        }
    }

    /// "12 write-ups".
    pub fn count_writeups(self, n: u64) -> String {
        match (self, n) {
            (Lang::En, 1) => "1 write-up".to_string(),
            (Lang::En, n) => format!("{n} write-ups"),
            (Lang::Da, 1) => "1 erfaring".to_string(),
            (Lang::Da, n) => format!("{n} erfaringer"),
        }
    }

    /// "Showing 1–10 of 42 write-ups".
    pub fn showing(self, first: u64, last: u64, total: u64) -> String {
        match self {
            Lang::En => format!("Showing {first}–{last} of {}", self.count_writeups(total)),
            Lang::Da => format!("Viser {first}–{last} af {}", self.count_writeups(total)),
        }
    }

    /// "Page 3".
    pub fn page_n(self, n: usize) -> String {
        match self {
            Lang::En => format!("Page {n}"),
            Lang::Da => format!("Side {n}"),
        }
    }

    /// "Remove filter Tags: cab".
    pub fn remove_filter(self, facet: &str, value: &str) -> String {
        match self {
            Lang::En => format!("Remove filter {facet}: {value}"),
            Lang::Da => format!("Fjern filteret {facet}: {value}"),
        }
    }

    /// The label of a snippet's section.
    pub fn section_label(self, section: &str) -> &'static str {
        let t = self.t();
        match section {
            "mistake" => t.snippet_mistake,
            "lesson" => t.snippet_lesson,
            "summary" => t.snippet_summary,
            _ => t.snippet_text,
        }
    }

    /// The heading of a facet.
    pub fn facet_name(self, facet: &str) -> &'static str {
        let t = self.t();
        match facet {
            "kind" => t.facet_kind,
            "practices" => t.facet_practices,
            "tags" => t.facet_tags,
            "year" => t.facet_year,
            "language" => t.facet_language,
            "sector" => t.facet_sector,
            "org_size" => t.facet_org_size,
            "tools" => t.facet_tools,
            "meeting" => t.facet_meeting,
            "confidence" => t.facet_confidence,
            _ => t.facet_other,
        }
    }

    /// A facet value as people read it: kinds, languages and sectors translated, practice
    /// slugs spelled out, everything else as written.
    pub fn facet_value(self, facet: &str, value: &str) -> String {
        let t = self.t();
        let fixed = match (facet, value) {
            ("kind", "lesson") => Some(t.kind_lesson),
            ("kind", "mistake") => Some(t.kind_mistake),
            ("kind", "practice") => Some(t.kind_practice),
            ("language", "da") => Some(t.language_da),
            ("language", "en") => Some(t.language_en),
            ("sector", "public") => Some(t.sector_public),
            ("sector", "private") => Some(t.sector_private),
            ("sector", "non-profit") => Some(t.sector_non_profit),
            ("confidence", "validated") => Some(t.confidence_validated),
            ("confidence", "not-validated") => Some(t.confidence_not_validated),
            ("confidence", "wip") => Some(t.confidence_wip),
            _ => None,
        };
        match fixed {
            Some(text) => text.to_string(),
            None if facet == "practices" => practice_name(value),
            None => value.to_string(),
        }
    }

    /// "1 vote", "2 votes".
    pub fn count_votes(self, n: u64) -> String {
        match (self, n) {
            (Lang::En, 1) => "1 vote".to_string(),
            (Lang::En, n) => format!("{n} votes"),
            (Lang::Da, 1) => "1 stemme".to_string(),
            (Lang::Da, n) => format!("{n} stemmer"),
        }
    }

    /// The label of a write-up status.
    pub fn status_name(self, status: &str) -> &'static str {
        let t = self.t();
        match status {
            "draft" => t.status_draft,
            "review" => t.status_review,
            "archived" => t.status_archived,
            _ => t.status_published,
        }
    }

    /// "No write-ups match “faar”; showing those for “får”."
    pub fn searched_for(self, typed: &str, searched: &str) -> String {
        match self {
            Lang::En => format!("No write-ups match “{typed}”; showing those for “{searched}”."),
            Lang::Da => {
                format!("Ingen erfaringer matcher “{typed}”; viser dem for “{searched}”.")
            }
        }
    }

    /// "No write-ups match “cab”."
    pub fn no_results(self, query: &str) -> String {
        match (self, query.trim().is_empty()) {
            (Lang::En, true) => "No write-ups match these filters.".to_string(),
            (Lang::Da, true) => "Ingen erfaringer matcher disse filtre.".to_string(),
            (Lang::En, false) => format!("No write-ups match “{query}”."),
            (Lang::Da, false) => format!("Ingen erfaringer matcher “{query}”."),
        }
    }

    /// The `<title>` of a search page.
    pub fn search_title(self, query: &str) -> String {
        match self {
            Lang::En => format!("“{query}” — search"),
            Lang::Da => format!("“{query}” — søgning"),
        }
    }

    /// "Read it in Danish" for a translation into `target`.
    pub fn read_in(self, target: &str) -> &'static str {
        let t = self.t();
        match target {
            "da" => t.read_in_danish,
            _ => t.read_in_english,
        }
    }
}

/// A practice slug spelled out: `change-enablement` → "Change enablement".
pub fn practice_name(slug: &str) -> String {
    // "IT asset management", as ITIL writes it.
    let spaced = slug
        .split('-')
        .map(|w| if w == "it" { "IT" } else { w })
        .collect::<Vec<_>>()
        .join(" ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The label of a flag's reason.
pub fn flag_reason(t: &Strings, reason: FlagReason) -> &'static str {
    match reason {
        FlagReason::Outdated => t.desk_reason_outdated,
        FlagReason::Wrong => t.desk_reason_wrong,
        FlagReason::Duplicate => t.desk_reason_duplicate,
        FlagReason::Other => t.desk_reason_other,
    }
}

/// What an audit-log action did, in words ("published", "offboarded"), for the desk's
/// activity list; `None` for actions without words (shown by their code).
pub fn activity(lang: Lang, action: &str) -> Option<&'static str> {
    let (en, da) = match action {
        "review.publish" => ("published", "offentliggjorde"),
        "review.changes" => ("asked for changes to", "bad om ændringer i"),
        "review.archive" => ("archived", "arkiverede"),
        "review.unpublish" => (
            "took back the publication of",
            "trak offentliggørelsen tilbage for",
        ),
        "review.restore" => ("restored", "gendannede"),
        "review.resubmit" => ("sent for review again", "sendte igen til gennemsyn"),
        "submission.create" => ("shared", "delte"),
        "submission.edit" => ("edited", "redigerede"),
        "merge" => ("merged", "lagde sammen"),
        "merge.undo" => ("undid the merge of", "fortrød sammenlægningen af"),
        "flag.resolve" => ("resolved a flag on", "løste en markering på"),
        "flag.dismiss" => ("dismissed a flag on", "afviste en markering på"),
        "invite.create" => ("created an invitation as", "oprettede en invitation som"),
        "reset.create" => (
            "created a password reset link for",
            "oprettede et link til ny adgangskode til",
        ),
        "link.use" => ("used a one-time link:", "brugte et engangslink:"),
        "link.withdraw" => ("withdrew an open link", "trak et åbent link tilbage"),
        "user.offboard" | "user remove" => ("offboarded", "fjernede adgangen for"),
        "password.change" => ("changed the password of", "skiftede adgangskode for"),
        "token.create" => ("created an API token for", "oprettede en API-nøgle til"),
        "feed.create" => ("created a feed address for", "oprettede en feedadresse til"),
        "role.member" => ("made a member:", "gjorde til medlem:"),
        "role.contributor" => ("made a contributor:", "gjorde til bidragyder:"),
        "role.facilitator" => ("made a facilitator:", "gjorde til facilitator:"),
        "topic.propose" => ("proposed a meeting topic:", "foreslog et emne til mødet:"),
        "topic.accepted" => ("put on the agenda:", "satte på dagsordenen:"),
        "topic.declined" => ("declined", "afviste"),
        "topic.proposed" => ("opened for votes again:", "åbnede igen for stemmer:"),
        "topic.link" => ("linked a write-up to", "knyttede en beskrivelse til"),
        "topic.unlink" => ("removed a write-up from", "fjernede en beskrivelse fra"),
        "confidence.validated" => ("marked validated:", "markerede som valideret:"),
        "confidence.not-validated" => ("marked not validated:", "markerede som ikke valideret:"),
        "confidence.wip" => ("marked work in progress:", "markerede som under arbejde:"),
        "question.ask" => ("asked the group:", "spurgte gruppen:"),
        "question.answer" => ("answered", "svarede på"),
        "question.open" => ("opened again:", "åbnede igen:"),
        "question.resolved" => ("marked resolved:", "markerede som løst:"),
        "question.closed" => ("closed", "lukkede"),
        "question.edit" => ("edited", "redigerede"),
        "question.hide" => ("hid", "skjulte"),
        "question.show" => ("showed again:", "viste igen:"),
        "question.writeup" => (
            "turned a thread into a draft:",
            "gjorde en tråd til et udkast:",
        ),
        "answer.edit" => ("edited", "redigerede"),
        "answer.hide" => ("hid", "skjulte"),
        "answer.show" => ("showed again:", "viste igen:"),
        _ => return None,
    };
    Some(match lang {
        Lang::En => en,
        Lang::Da => da,
    })
}

/// The strings of one language. Fields are named after where they appear.
#[derive(Debug)]
pub struct Strings {
    /// `lang` attribute of `<html>`.
    pub html_lang: &'static str,
    /// Label of the language switch.
    pub switch_language: &'static str,
    /// Skip link.
    pub skip_to_content: &'static str,
    /// Tagline under the name.
    pub tagline: &'static str,
    /// Main navigation label.
    pub nav_label: &'static str,
    /// Navigation: search.
    pub nav_search: &'static str,
    /// Navigation: browse.
    pub nav_browse: &'static str,
    /// Navigation: feed.
    pub nav_feed: &'static str,
    /// Local-mode banner, first part.
    pub local_banner_title: &'static str,
    /// Local-mode banner, explanation.
    pub local_banner_text: &'static str,
    /// Footer text.
    pub footer: &'static str,
    /// Footer link to the API description.
    pub footer_api: &'static str,
    /// Search box label.
    pub search_label: &'static str,
    /// Search box placeholder.
    pub search_placeholder: &'static str,
    /// Search button.
    pub search_button: &'static str,
    /// Hint under the search box.
    pub search_hint: &'static str,
    /// The heading of the query syntax under the search box.
    pub search_syntax_title: &'static str,
    /// The query syntax: each operator, as typed, and what it does.
    pub search_syntax: &'static [(&'static str, &'static str)],
    /// Heading of the results when nothing was typed.
    pub newest_heading: &'static str,
    /// Heading of the results.
    pub results_heading: &'static str,
    /// Sort label.
    pub sort_label: &'static str,
    /// Sort by relevance.
    pub sort_relevance: &'static str,
    /// Sort newest first.
    pub sort_newest: &'static str,
    /// Label of the section switch.
    pub section_label: &'static str,
    /// Section switch: everything.
    pub section_all: &'static str,
    /// Section switch: lessons only.
    pub section_lesson: &'static str,
    /// Section switch: mistakes only.
    pub section_mistake: &'static str,
    /// Heading of the facet sidebar.
    pub filters: &'static str,
    /// Active filters label.
    pub active_filters: &'static str,
    /// Link that clears every filter.
    pub clear_filters: &'static str,
    /// Label on a facet value that is selected.
    pub selected: &'static str,
    /// Facet heading: kind.
    pub facet_kind: &'static str,
    /// Facet heading: practices.
    pub facet_practices: &'static str,
    /// Facet heading: tags.
    pub facet_tags: &'static str,
    /// Facet heading: year.
    pub facet_year: &'static str,
    /// Facet heading: language.
    pub facet_language: &'static str,
    /// Facet heading: sector.
    pub facet_sector: &'static str,
    /// Facet heading: organisation size.
    pub facet_org_size: &'static str,
    /// Facet heading: tools.
    pub facet_tools: &'static str,
    /// Facet heading: meeting.
    pub facet_meeting: &'static str,
    /// Facet heading for anything else.
    pub facet_other: &'static str,
    /// Kind: lesson.
    pub kind_lesson: &'static str,
    /// Kind: mistake.
    pub kind_mistake: &'static str,
    /// Kind: practice.
    pub kind_practice: &'static str,
    /// Language: Danish.
    pub language_da: &'static str,
    /// Language: English.
    pub language_en: &'static str,
    /// Sector: public.
    pub sector_public: &'static str,
    /// Sector: private.
    pub sector_private: &'static str,
    /// Sector: non-profit.
    pub sector_non_profit: &'static str,
    /// Status: draft.
    pub status_draft: &'static str,
    /// Status: in review.
    pub status_review: &'static str,
    /// Status: published.
    pub status_published: &'static str,
    /// Status: archived.
    pub status_archived: &'static str,
    /// Snippet label: mistake.
    pub snippet_mistake: &'static str,
    /// Snippet label: lesson.
    pub snippet_lesson: &'static str,
    /// Snippet label: summary.
    pub snippet_summary: &'static str,
    /// Snippet label: other text.
    pub snippet_text: &'static str,
    /// Undated write-up.
    pub undated: &'static str,
    /// Pagination landmark label.
    pub pagination: &'static str,
    /// Previous page.
    pub previous: &'static str,
    /// Next page.
    pub next: &'static str,
    /// Empty state: did you mean.
    pub did_you_mean: &'static str,
    /// Empty state: drop a filter.
    pub try_without: &'static str,
    /// Empty state: general advice.
    pub no_results_advice: &'static str,
    /// Empty state: browse link text.
    pub browse_instead: &'static str,
    /// Empty collection.
    pub empty_collection: &'static str,
    /// Write-up: metadata heading (for screen readers).
    pub about_writeup: &'static str,
    /// Write-up: authors.
    pub meta_authors: &'static str,
    /// Write-up: shared without names.
    pub anonymous: &'static str,
    /// Write-up: organisation.
    pub meta_organisation: &'static str,
    /// Write-up: tools.
    pub meta_tools: &'static str,
    /// Write-up: status.
    pub meta_status: &'static str,
    /// Write-up: source.
    pub meta_source: &'static str,
    /// Write-up: references.
    pub meta_references: &'static str,
    /// Write-up: visibility members.
    pub visibility_members: &'static str,
    /// Write-up: visibility public.
    pub visibility_public: &'static str,
    /// Write-up: visibility label.
    pub meta_visibility: &'static str,
    /// Write-up: contact allowed.
    pub contact_ok: &'static str,
    /// Related write-ups heading.
    pub related: &'static str,
    /// Link to the Danish version.
    pub read_in_danish: &'static str,
    /// Link to the English version.
    pub read_in_english: &'static str,
    /// Banner: archived.
    pub banner_archived: &'static str,
    /// Banner: superseded, followed by links.
    pub banner_superseded: &'static str,
    /// Banner: duplicate, followed by a link.
    pub banner_duplicate: &'static str,
    /// Banner: not published yet.
    pub banner_unpublished: &'static str,
    /// Link back to search.
    pub back_to_search: &'static str,
    /// Browse page heading.
    pub browse_heading: &'static str,
    /// Browse: by practice.
    pub browse_practices: &'static str,
    /// Browse: by tag.
    pub browse_tags: &'static str,
    /// Browse: by meeting.
    pub browse_meetings: &'static str,
    /// Browse: newest.
    pub browse_newest: &'static str,
    /// Browse: all newest.
    pub see_all_newest: &'static str,
    /// Error page: 400.
    pub error_400: &'static str,
    /// Error page: 403.
    pub error_403: &'static str,
    /// Error page: 404.
    pub error_404: &'static str,
    /// Error page: 404 explanation.
    pub error_404_text: &'static str,
    /// Error page: 405.
    pub error_405: &'static str,
    /// Error page: 408.
    pub error_408: &'static str,
    /// Error page: 408 explanation.
    pub error_408_text: &'static str,
    /// Error page: 413.
    pub error_413: &'static str,
    /// Error page: 413 explanation.
    pub error_413_text: &'static str,
    /// Error page: 414.
    pub error_414: &'static str,
    /// Error page: 414 explanation.
    pub error_414_text: &'static str,
    /// Error page: 500.
    pub error_500: &'static str,
    /// Error page: 500 explanation.
    pub error_500_text: &'static str,
    /// Error page: 503 (erfa is busy).
    pub error_503: &'static str,
    /// Error page: 503 explanation.
    pub error_503_text: &'static str,
    /// Error page: 507.
    pub error_507: &'static str,
    /// Error page: 507 explanation.
    pub error_507_text: &'static str,
    /// Error page: go home.
    pub go_home: &'static str,
    /// Local mode refusal, shown on 403 pages.
    pub local_refused: &'static str,
    /// Feed title.
    pub feed_title: &'static str,
    /// OpenSearch short name description.
    pub opensearch_description: &'static str,
    /// Live results status while typing.
    pub updating: &'static str,
    /// Error page: login needed.
    pub error_401: &'static str,
    /// Error page: login needed, explained.
    pub error_401_text: &'static str,
    /// Error page: too many attempts.
    pub error_429: &'static str,
    /// 403 for a role that is too low.
    pub forbidden_role: &'static str,
    /// 403 for a cross-site form.
    pub csrf_refused: &'static str,
    /// Login page title.
    pub login_title: &'static str,
    /// Login page: who it is for.
    pub login_intro: &'static str,
    /// Login: name field.
    pub login_name: &'static str,
    /// Login: password field.
    pub login_password: &'static str,
    /// Login: button.
    pub login_submit: &'static str,
    /// Login: wrong name or password.
    pub login_failed: &'static str,
    /// Login: too many failures.
    pub login_throttled: &'static str,
    /// Login: lost password.
    pub login_forgot: &'static str,
    /// Login: the lost-password form's heading.
    pub login_forgot_heading: &'static str,
    /// Login: the lost-password form explained (mail is configured).
    pub login_forgot_mail: &'static str,
    /// Login: the lost-password button.
    pub login_forgot_submit: &'static str,
    /// Login: after asking for a link, whatever the name.
    pub login_forgot_sent: &'static str,
    /// Header: who is logged in.
    pub logged_in_as: &'static str,
    /// Header: log out button.
    pub logout: &'static str,
    /// Header: log in link.
    pub nav_login: &'static str,
    /// Header: account link.
    pub nav_account: &'static str,
    /// Header: people admin link.
    pub nav_people: &'static str,
    /// Role name.
    pub role_member: &'static str,
    /// Role name.
    pub role_contributor: &'static str,
    /// Role name.
    pub role_facilitator: &'static str,
    /// Account page title.
    pub account_title: &'static str,
    /// Account page: role.
    pub account_role: &'static str,
    /// Account page: feed heading.
    pub account_feed: &'static str,
    /// Account page: feed explained.
    pub account_feed_text: &'static str,
    /// Account page: feed button.
    pub account_feed_new: &'static str,
    /// Account page: API token heading.
    pub account_token: &'static str,
    /// Account page: API token explained.
    pub account_token_text: &'static str,
    /// Account page: token button.
    pub account_token_new: &'static str,
    /// A secret shown once.
    pub secret_once: &'static str,
    /// People page title.
    pub people_title: &'static str,
    /// People page: invite heading.
    pub people_invite: &'static str,
    /// People page: invite explained.
    pub people_invite_text: &'static str,
    /// People page: the invitation's optional address.
    pub people_invite_email: &'static str,
    /// People page: invite button.
    pub people_invite_submit: &'static str,
    /// People page: a link was made.
    pub people_link_ready: &'static str,
    /// People page: a link was mailed (the address follows).
    pub people_link_mailed: &'static str,
    /// People page: a mailed link can also be copied.
    pub people_link_copy_too: &'static str,
    /// People page: name column.
    pub people_name: &'static str,
    /// People page: role column.
    pub people_role: &'static str,
    /// People page: e-mail column.
    pub people_email: &'static str,
    /// People page: an address the member confirmed.
    pub people_email_confirmed: &'static str,
    /// People page: an address not confirmed yet.
    pub people_email_unconfirmed: &'static str,
    /// People page: the address button.
    pub people_email_save: &'static str,
    /// People page: after setting an address.
    pub people_email_saved: &'static str,
    /// People page: after removing an address.
    pub people_email_removed: &'static str,
    /// People page: how to remove an address.
    pub people_email_hint: &'static str,
    /// People page: actions column.
    pub people_actions: &'static str,
    /// People page: role button.
    pub people_change_role: &'static str,
    /// People page: reset button.
    pub people_reset: &'static str,
    /// People page: offboard button.
    pub people_offboard: &'static str,
    /// People page: after offboarding.
    pub people_offboarded: &'static str,
    /// People page: after a role change.
    pub people_role_changed: &'static str,
    /// People page: cannot change oneself.
    pub people_self: &'static str,
    /// People: the mark of a locked account.
    pub people_locked: &'static str,
    /// Editing: the status changed while saving.
    pub mine_changed_meanwhile: &'static str,
    /// Account: password change only in a session.
    pub account_password_session_only: &'static str,
    /// Account: password too long.
    pub account_password_long: &'static str,
    /// Merging: an unknown write-up.
    pub desk_merge_unknown: &'static str,
    /// Merging: recent merges heading.
    pub desk_merge_recent: &'static str,
    /// Merging: undo button.
    pub desk_merge_undo: &'static str,
    /// Merging: after an undo.
    pub desk_merge_undone: &'static str,
    /// Merging: cannot undo.
    pub desk_merge_changed_since: &'static str,
    /// Review: what changed since the change request.
    pub desk_changes_since: &'static str,
    /// Review: the closest published write-ups.
    pub desk_closest: &'static str,
    /// A contributor's own unpublished submission.
    pub own_unpublished: &'static str,
    /// Printed pages: the confidentiality line.
    pub print_confidential: &'static str,
    /// Printed pages: the day printed.
    pub print_printed: &'static str,
    /// Desk: what needs attention, heading.
    pub desk_attention: &'static str,
    /// Desk: waiting for review.
    pub desk_attention_review: &'static str,
    /// Desk: open flags.
    pub desk_attention_flags: &'static str,
    /// Desk: write-ups with errors.
    pub desk_attention_broken: &'static str,
    /// Desk: zero-result topics.
    pub desk_attention_zero: &'static str,
    /// Desk: drafts.
    pub desk_attention_drafts: &'static str,
    /// Desk: activity heading.
    pub desk_activity: &'static str,
    /// Merging: confirmation heading.
    pub desk_merge_confirm_title: &'static str,
    /// Merging: the one kept.
    pub desk_merge_kept: &'static str,
    /// Merging: the one retired.
    pub desk_merge_retired: &'static str,
    /// Merging: what redirects.
    pub desk_merge_confirm_redirect: &'static str,
    /// Merging: sections that move.
    pub desk_merge_confirm_moves: &'static str,
    /// Merging: no sections move.
    pub desk_merge_confirm_nothing_moves: &'static str,
    /// Merging: confirm button.
    pub desk_merge_confirm: &'static str,
    /// Merging: the empty choice.
    pub desk_merge_choose: &'static str,
    /// Review: after taking back a publication.
    pub desk_done_unpublish: &'static str,
    /// Review: after restoring an archived write-up.
    pub desk_done_restore: &'static str,
    /// Review: undo a publication.
    pub desk_undo_publish: &'static str,
    /// Review: undo archiving.
    pub desk_undo_archive: &'static str,
    /// Review: the action does not fit the status.
    pub desk_wrong_status: &'static str,
    /// Review: a submitter whose account is gone.
    pub desk_former_account: &'static str,
    /// Review: who sent it.
    pub desk_sent_by: &'static str,
    /// Review: sent again after a change request.
    pub desk_resubmitted: &'static str,
    /// Review: a draft not sent for review.
    pub desk_draft_waiting: &'static str,
    /// Archiving: confirmation heading.
    pub desk_archive_confirm_title: &'static str,
    /// Archiving: what it does.
    pub desk_archive_confirm_text: &'static str,
    /// Archiving: confirm button.
    pub desk_archive_confirm: &'static str,
    /// My write-ups: saved, still a draft.
    pub mine_saved_draft: &'static str,
    /// Editing: waiting for review.
    pub mine_state_review: &'static str,
    /// Editing: a draft.
    pub mine_state_draft: &'static str,
    /// Editing: changes requested.
    pub mine_state_changes: &'static str,
    /// Editing: the facilitator's requests.
    pub share_requests_heading: &'static str,
    /// Editing: keep as draft.
    pub button_save_draft: &'static str,
    /// Editing: send for review.
    pub button_resubmit: &'static str,
    /// People: last login column.
    pub people_last_login: &'static str,
    /// People: never logged in.
    pub people_never: &'static str,
    /// People: open links heading.
    pub people_pending: &'static str,
    /// People: open links explained.
    pub people_pending_text: &'static str,
    /// People: no open links.
    pub people_pending_none: &'static str,
    /// People: kind of link column.
    pub people_link_kind: &'static str,
    /// People: an invitation.
    pub people_link_invite: &'static str,
    /// People: a password reset link.
    pub people_link_reset: &'static str,
    /// People: whom a link is for, column.
    pub people_link_for: &'static str,
    /// People: who made a link, column.
    pub people_link_by: &'static str,
    /// People: when a link expires, column.
    pub people_link_expires: &'static str,
    /// People: a link made on the server.
    pub people_link_server: &'static str,
    /// People: withdraw button.
    pub people_withdraw: &'static str,
    /// People: after withdrawing a link.
    pub people_withdrawn: &'static str,
    /// Offboarding: confirmation heading.
    pub people_offboard_confirm_title: &'static str,
    /// Offboarding: what it does.
    pub people_offboard_confirm_text: &'static str,
    /// Offboarding: confirm button.
    pub people_offboard_confirm: &'static str,
    /// Cancel a step.
    pub cancel: &'static str,
    /// Copy button.
    pub copy: &'static str,
    /// Copy button after copying.
    pub copied: &'static str,
    /// Account: password heading.
    pub account_password: &'static str,
    /// Account: password explained.
    pub account_password_text: &'static str,
    /// Account: current password field.
    pub account_password_current: &'static str,
    /// Account: new password field.
    pub account_password_new: &'static str,
    /// Account: password button.
    pub account_password_submit: &'static str,
    /// Account: after the change.
    pub account_password_changed: &'static str,
    /// Account: wrong current password.
    pub account_password_wrong: &'static str,
    /// Account: new password too short.
    pub account_password_weak: &'static str,
    /// Invitation page title.
    pub invite_title: &'static str,
    /// Invitation page text.
    pub invite_text: &'static str,
    /// Reset page title.
    pub reset_title: &'static str,
    /// Second password field.
    pub password_again: &'static str,
    /// Two passwords differ.
    pub passwords_differ: &'static str,
    /// Invitation button.
    pub invite_submit: &'static str,
    /// Reset button.
    pub reset_submit: &'static str,
    /// Unknown or used link.
    pub link_bad: &'static str,
    /// Single sign-on named a user without an account.
    pub sso_unknown: &'static str,
    /// Single sign-on named a locked account.
    pub sso_locked: &'static str,
    // The facilitator's desk.
    /// Navigation: the facilitator's desk.
    pub nav_desk: &'static str,
    /// Navigation: the printable digest.
    pub nav_digest: &'static str,
    /// Desk: title.
    pub desk_title: &'static str,
    /// Desk: what it is for.
    pub desk_intro: &'static str,
    /// Desk: time column.
    pub desk_when: &'static str,
    /// Desk: actor column.
    pub desk_who: &'static str,
    /// Desk: action column.
    pub desk_what: &'static str,
    /// Desk: an empty list.
    pub desk_nothing: &'static str,
    /// Desk: a button that reloads with new settings.
    pub desk_update: &'static str,
    /// Review queue: title.
    pub desk_review: &'static str,
    /// Review queue: empty.
    pub desk_review_empty: &'static str,
    /// Review queue: no check findings.
    pub desk_check_clean: &'static str,
    /// Review queue: earlier change requests.
    pub desk_notes: &'static str,
    /// Review queue: publish button.
    pub desk_publish: &'static str,
    /// Review queue: archive button.
    pub desk_archive: &'static str,
    /// Review queue: request changes button.
    pub desk_request_changes: &'static str,
    /// Review queue: the comment field.
    pub desk_changes_comment: &'static str,
    /// Review queue: a change request without comment.
    pub desk_changes_comment_needed: &'static str,
    /// Review queue: publishing a write-up with errors.
    pub desk_publish_invalid: &'static str,
    /// Notice: published.
    pub desk_done_publish: &'static str,
    /// Notice: changes requested.
    pub desk_done_changes: &'static str,
    /// Notice: archived.
    pub desk_done_archive: &'static str,
    /// Notice: a flag closed.
    pub desk_done_flag: &'static str,
    /// Notice: merged.
    pub desk_done_merge: &'static str,
    /// Flags queue: title.
    pub desk_flags: &'static str,
    /// Version history of a write-up: title, and the link to it from the write-up.
    pub history_title: &'static str,
    /// Version history: what it is and what restoring does.
    pub history_intro: &'static str,
    /// Version history: `content/` has no git history, or none of this write-up.
    pub history_none: &'static str,
    /// Version history: the newest version, which is the one in `content/` now.
    pub history_current: &'static str,
    /// Version history: the button that restores an earlier version.
    pub history_restore: &'static str,
    /// Version history: the notice after a restore.
    pub history_restored: &'static str,
    /// Version history: the version has no earlier one to compare with.
    pub history_first: &'static str,
    /// Flags queue: empty.
    pub desk_flags_empty: &'static str,
    /// Flags queue: closed flags heading.
    pub desk_flags_closed: &'static str,
    /// Flags queue: resolve button.
    pub desk_resolve: &'static str,
    /// Flags queue: dismiss button.
    pub desk_dismiss: &'static str,
    /// Flag state: open.
    pub desk_flag_open: &'static str,
    /// Flag state: resolved.
    pub desk_flag_resolved: &'static str,
    /// Flag state: dismissed.
    pub desk_flag_dismissed: &'static str,
    /// Merge: title.
    pub desk_merge: &'static str,
    /// Merge: what happens.
    pub desk_merge_text: &'static str,
    /// Merge: first choice.
    pub desk_merge_first: &'static str,
    /// Merge: second choice.
    pub desk_merge_second: &'static str,
    /// Merge: append sections.
    pub desk_merge_append: &'static str,
    /// Merge: button.
    pub desk_merge_submit: &'static str,
    /// Merge: the same write-up twice.
    pub desk_merge_two: &'static str,
    /// Merge refused: the two differ in status or visibility.
    pub desk_merge_audience: &'static str,
    /// Merge refused: drafts and submissions under review.
    pub desk_merge_unpublished: &'static str,
    /// Merge refused: one is the other's translation.
    pub desk_merge_translation: &'static str,
    /// Near-duplicate pairs heading.
    pub desk_near_duplicates: &'static str,
    /// Health: what makes two write-ups near-duplicates.
    pub desk_near_text: &'static str,
    /// Health: after a near-duplicate pair's percentage.
    pub desk_near_shared: &'static str,
    /// Content health: title.
    pub desk_health: &'static str,
    /// Health: write-ups left out of the index.
    pub desk_dropped: &'static str,
    /// Health: the alert about dropped write-ups.
    pub desk_dropped_text: &'static str,
    /// Health: a published write-up that dropped out.
    pub desk_dropped_published: &'static str,
    /// Health: no watcher runs.
    pub desk_not_watching: &'static str,
    /// Health: erfa check heading.
    pub desk_check: &'static str,
    /// Health: errors.
    pub desk_errors: &'static str,
    /// Health: warnings.
    pub desk_warnings: &'static str,
    /// Health: due for review.
    pub desk_stale: &'static str,
    /// Health: what due for review means (a number of days follows).
    pub desk_stale_text: &'static str,
    /// Health: review_after passed (a date follows).
    pub desk_review_after_passed: &'static str,
    /// Health: old and not validated (a date follows).
    pub desk_old_not_validated: &'static str,
    /// Health: missing sections.
    pub desk_missing: &'static str,
    /// Health: neither section.
    pub desk_no_lesson_or_mistake: &'static str,
    /// Health: no lesson.
    pub desk_no_lesson: &'static str,
    /// Health: no mistake.
    pub desk_no_mistake: &'static str,
    /// Health: broken links.
    pub desk_broken: &'static str,
    /// Health: coverage per practice.
    pub desk_coverage: &'static str,
    /// Health: published count column.
    pub desk_published: &'static str,
    /// Search insights: title.
    pub desk_insights: &'static str,
    /// Search insights: switched off.
    pub desk_insights_off: &'static str,
    /// Search insights: privacy (a number follows).
    pub desk_insights_text: &'static str,
    /// Search insights: weeks kept.
    pub desk_weeks: &'static str,
    /// Search insights: searches.
    pub desk_searches: &'static str,
    /// Search insights: searches without results.
    pub desk_zero_searches: &'static str,
    /// Search insights: queries not shown.
    pub desk_hidden: &'static str,
    /// Search insights: query column.
    pub desk_query: &'static str,
    /// Search insights: sessions column.
    pub desk_sessions: &'static str,
    /// Search insights: most frequent.
    pub desk_top_queries: &'static str,
    /// Agenda: title.
    pub desk_meeting: &'static str,
    /// Agenda: since a date.
    pub desk_since: &'static str,
    /// Agenda: the last meeting.
    pub desk_last_meeting: &'static str,
    /// Agenda: Markdown link.
    pub desk_markdown: &'static str,
    /// Agenda: searched for but not found.
    pub desk_agenda_zero: &'static str,
    /// Agenda: open flags.
    pub desk_agenda_flags: &'static str,
    /// Agenda: seen by many, not validated.
    pub desk_agenda_saw_too: &'static str,
    /// Agenda: added since.
    pub desk_agenda_added: &'static str,
    /// Signals: heading on a write-up.
    pub desk_signals: &'static str,
    /// Signals: this helped.
    pub desk_helped: &'static str,
    /// Signals: we saw this too.
    pub desk_saw_too: &'static str,
    /// Signals: flag.
    pub desk_flag: &'static str,
    /// Signals: flag reason.
    pub desk_flag_reason: &'static str,
    /// Signals: comment.
    pub desk_comment: &'static str,
    /// Signals: flag button.
    pub desk_flag_submit: &'static str,
    /// Signals: other without comment.
    pub desk_flag_comment_needed: &'static str,
    /// Flag reason: outdated.
    pub desk_reason_outdated: &'static str,
    /// Flag reason: wrong.
    pub desk_reason_wrong: &'static str,
    /// Flag reason: duplicate.
    pub desk_reason_duplicate: &'static str,
    /// Flag reason: other.
    pub desk_reason_other: &'static str,
    /// Digest: title.
    pub desk_digest: &'static str,
    /// Digest: what it is.
    pub desk_digest_text: &'static str,
    /// Digest: nothing chosen.
    pub desk_digest_empty: &'static str,
    /// Digest: a members-only write-up.
    pub desk_confidential: &'static str,
    /// Digest: the page holds members-only write-ups.
    pub desk_confidential_note: &'static str,
    // Sharing an experience.
    /// Header: link to the form for sharing an experience.
    pub nav_share: &'static str,
    /// Navigation: the contributor's own write-ups.
    pub nav_mine: &'static str,
    /// The form's heading.
    pub share_title: &'static str,
    /// Under the heading.
    pub share_intro: &'static str,
    /// Heading when editing an own write-up.
    pub share_edit_title: &'static str,
    /// Link to the list of own write-ups.
    pub share_mine_link: &'static str,
    /// Fieldset: what it is.
    pub share_about: &'static str,
    /// Fieldset: where it happened.
    pub share_where: &'static str,
    /// Fieldset: who may read it.
    pub share_sharing: &'static str,
    /// Fieldset: the sections.
    pub share_sections: &'static str,
    /// Under the sections legend.
    pub share_sections_hint: &'static str,
    /// Label.
    pub field_title: &'static str,
    /// Hint.
    pub field_title_hint: &'static str,
    /// Label.
    pub field_summary: &'static str,
    /// Hint.
    pub field_summary_hint: &'static str,
    /// Label.
    pub field_kind: &'static str,
    /// Legend.
    pub field_practices: &'static str,
    /// Hint.
    pub field_practices_hint: &'static str,
    /// Practice group.
    pub group_general: &'static str,
    /// Practice group.
    pub group_service: &'static str,
    /// Practice group.
    pub group_technical: &'static str,
    /// Label.
    pub field_tags: &'static str,
    /// Hint.
    pub field_tags_hint: &'static str,
    /// Legend.
    pub field_language: &'static str,
    /// Label.
    pub field_date: &'static str,
    /// Hint.
    pub field_date_hint: &'static str,
    /// Label.
    pub field_authors: &'static str,
    /// Hint.
    pub field_authors_hint: &'static str,
    /// Label.
    pub field_organisation: &'static str,
    /// Hint.
    pub field_organisation_hint: &'static str,
    /// Label.
    pub field_sector: &'static str,
    /// Label.
    pub field_org_size: &'static str,
    /// Label.
    pub field_tools: &'static str,
    /// Hint.
    pub field_tools_hint: &'static str,
    /// Label.
    pub field_meeting: &'static str,
    /// Hint.
    pub field_meeting_hint: &'static str,
    /// Legend.
    pub field_visibility: &'static str,
    /// Choice.
    pub share_visibility_members: &'static str,
    /// Choice.
    pub share_visibility_public: &'static str,
    pub share_members_only_hint: &'static str,
    /// Empty choice of a select.
    pub not_given: &'static str,
    /// Button.
    pub button_preview: &'static str,
    /// Button.
    pub button_send: &'static str,
    /// Button when similar write-ups were shown.
    pub button_send_anyway: &'static str,
    /// Button when editing.
    pub button_save: &'static str,
    /// Preview panel.
    pub preview_heading: &'static str,
    /// Preview panel without text.
    pub preview_empty: &'static str,
    /// Duplicate warning heading.
    pub similar_heading: &'static str,
    /// Duplicate warning text.
    pub similar_text: &'static str,
    /// Error summary heading.
    pub errors_heading: &'static str,
    /// Error summary when the disk was full: nothing saved, the text kept in the form.
    pub err_disk_full: &'static str,
    /// Content standard notes.
    pub warnings_heading: &'static str,
    /// Error.
    pub err_title: &'static str,
    /// Error.
    pub err_kind: &'static str,
    /// Error.
    pub err_practice: &'static str,
    /// Error.
    pub err_language: &'static str,
    /// Error.
    pub err_date: &'static str,
    /// Error: a value outside its list.
    pub err_choice: &'static str,
    /// Error: a meeting the group's list does not have.
    pub err_meeting: &'static str,
    /// Review queue: a write-up names a meeting the list does not have.
    pub err_meeting_unknown: &'static str,
    /// Share form: the meeting hint when the group lists its meetings.
    pub field_meeting_choose: &'static str,
    /// Error.
    pub err_too_long: &'static str,
    /// Content standard.
    pub warn_date: &'static str,
    /// Content standard.
    pub warn_lesson: &'static str,
    /// Content standard.
    pub warn_mistake: &'static str,
    /// Own write-ups page.
    pub mine_title: &'static str,
    /// Under the heading.
    pub mine_intro: &'static str,
    /// No write-ups yet.
    pub mine_empty: &'static str,
    /// Confirmation after saving.
    pub mine_saved: &'static str,
    /// After the confirmation, when the index could not be updated at once.
    pub mine_index_pending: &'static str,
    /// Link.
    pub mine_edit: &'static str,
    /// Column.
    pub mine_status: &'static str,
    /// Column.
    pub mine_updated: &'static str,
    /// Status of a moved file.
    pub mine_gone: &'static str,
    /// Refusal to edit a published write-up.
    pub mine_locked: &'static str,
    /// Link.
    pub mine_share_another: &'static str,
    /// Navigation: meetings and their topics.
    pub nav_meetings: &'static str,
    /// Meetings page: title.
    pub meetings_title: &'static str,
    /// Meetings page: what it is for.
    pub meetings_intro: &'static str,
    /// Meetings page: no meetings list.
    pub meetings_no_list: &'static str,
    /// Meetings page: no meeting ahead.
    pub meetings_none_upcoming: &'static str,
    /// Meetings page: the accepted topics.
    pub topics_agenda: &'static str,
    /// Meetings page: nothing accepted yet.
    pub topics_agenda_empty: &'static str,
    /// Meetings page: topics open for votes.
    pub topics_proposed: &'static str,
    /// Meetings page: no proposals.
    pub topics_proposed_empty: &'static str,
    /// Meetings page: vote button.
    pub topic_vote: &'static str,
    /// Meetings page: withdraw button.
    pub topic_unvote: &'static str,
    /// Meetings page: the viewer votes for it.
    pub topic_voted: &'static str,
    /// Meetings page: before the proposer's name.
    pub topic_by: &'static str,
    /// Meetings page: someone not named.
    pub topic_a_member: &'static str,
    /// Meetings page: a removed account.
    pub topic_former: &'static str,
    /// Meetings page: the viewer as proposer.
    pub topic_you: &'static str,
    /// Meetings page: comment field.
    pub topic_comment_label: &'static str,
    /// Meetings page: comment button.
    pub topic_comment_submit: &'static str,
    /// Meetings page: comments heading.
    pub topic_comments: &'static str,
    /// Meetings page: the write-up a topic is about.
    pub topic_refers: &'static str,
    /// Meetings page: write-ups that came out of a topic.
    pub topic_outcomes: &'static str,
    /// Meetings page: the proposal form.
    pub propose_heading: &'static str,
    /// Proposal form: meeting.
    pub propose_meeting: &'static str,
    /// Proposal form: title.
    pub propose_title: &'static str,
    /// Proposal form: title hint.
    pub propose_title_hint: &'static str,
    /// Proposal form: why.
    pub propose_why: &'static str,
    /// Proposal form: why hint.
    pub propose_why_hint: &'static str,
    /// Proposal form: related write-up.
    pub propose_link: &'static str,
    /// Proposal form: related write-up hint.
    pub propose_link_hint: &'static str,
    /// Proposal form: show the name.
    pub propose_named: &'static str,
    /// Proposal form: who sees the name.
    pub propose_named_hint: &'static str,
    /// Proposal form: button.
    pub propose_submit: &'static str,
    /// Meetings page: the viewer's proposals.
    pub topics_mine: &'static str,
    /// Topic state.
    pub topic_state_proposed: &'static str,
    /// Topic state.
    pub topic_state_accepted: &'static str,
    /// Topic state.
    pub topic_state_declined: &'static str,
    /// Meetings page: the facilitator's note to the proposer.
    pub topic_note: &'static str,
    /// Meetings page: the last meeting's topics.
    pub topics_earlier: &'static str,
    /// Meetings page: link a resulting write-up (facilitator).
    pub topic_link_outcome: &'static str,
    /// Meetings page: link button.
    pub topic_link_submit: &'static str,
    /// Meetings page: unlink button.
    pub topic_unlink: &'static str,
    /// Meetings page: after proposing.
    pub topic_done_proposed: &'static str,
    /// Desk: after a decision.
    pub topic_done_decided: &'static str,
    /// Proposal form: bad title.
    pub err_topic_title: &'static str,
    /// Proposal form: bad why.
    pub err_topic_why: &'static str,
    /// Proposal form: bad meeting.
    pub err_topic_meeting: &'static str,
    /// Proposal form: bad write-up.
    pub err_topic_link: &'static str,
    /// Meetings page: bad comment.
    pub err_topic_comment: &'static str,
    /// Desk agenda: members' proposals.
    pub desk_topics_proposed: &'static str,
    /// Desk agenda: accepted topics.
    pub desk_topics_accepted: &'static str,
    /// Desk agenda: accept.
    pub desk_topic_accept: &'static str,
    /// Desk agenda: decline.
    pub desk_topic_decline: &'static str,
    /// Desk agenda: reopen.
    pub desk_topic_reopen: &'static str,
    /// Desk agenda: note field.
    pub desk_topic_note: &'static str,
    /// Write-up page: the 'did not help us' control.
    pub desk_not_helped: &'static str,
    /// Write-up page: reason field.
    pub desk_not_helped_reason: &'static str,
    /// Write-up page: send button.
    pub desk_not_helped_submit: &'static str,
    /// Write-up page: the viewer said so.
    pub desk_not_helped_given: &'static str,
    /// Write-up page: take it back.
    pub desk_not_helped_undo: &'static str,
    /// Flags page and write-up page (facilitator): the list.
    pub desk_not_helped_heading: &'static str,
    /// Flags page: none.
    pub desk_not_helped_empty: &'static str,
    /// Flags page: no reason given.
    pub desk_no_reason: &'static str,
    /// Facet heading: confidence.
    pub facet_confidence: &'static str,
    /// Confidence: validated.
    pub confidence_validated: &'static str,
    /// Confidence: not validated.
    pub confidence_not_validated: &'static str,
    /// Confidence: work in progress.
    pub confidence_wip: &'static str,
    /// Write-up page: the badge of a validated write-up.
    pub confidence_badge: &'static str,
    /// Write-up page (facilitator): set the confidence.
    pub confidence_set: &'static str,
    /// Desk: write-ups many members saw too.
    pub desk_validate_heading: &'static str,
    /// Desk: why they are proposed.
    pub desk_validate_text: &'static str,
    /// Desk: mark validated.
    pub desk_validate: &'static str,
    /// Write-up page: when it was first published in erfa.
    pub meta_published: &'static str,
    /// Insights: what members find for a zero-result query today.
    pub desk_found_now: &'static str,
    /// Insights: still nothing.
    pub desk_found_none: &'static str,
    /// Write-up page: after flagging.
    pub desk_flag_sent: &'static str,
    /// Write-up page: after saying it did not help.
    pub desk_not_helped_sent: &'static str,
}

/// English.
pub const EN: Strings = Strings {
    html_lang: "en",
    switch_language: "Dansk",
    skip_to_content: "Skip to content",
    tagline: "Shared IT service management experiences",
    nav_label: "Main",
    nav_search: "Search",
    nav_browse: "Browse",
    nav_feed: "Feed",
    local_banner_title: "Local mode",
    local_banner_text: "You are the facilitator on this machine: drafts and members-only write-ups are shown. Only this computer can open erfa until accounts are added.",
    footer: "erfa — what we learned, so others don't have to.",
    footer_api: "API (OpenAPI)",
    search_label: "Search write-ups",
    search_placeholder: "e.g. CAB, major incident, hændelse",
    search_button: "Search",
    search_hint: "Danish or English. \"Quotes\" for phrases, +word to require, -word to exclude. Press / to search.",
    search_syntax_title: "How to search",
    search_syntax: &[
        (
            "cab freeze",
            "Free words: write-ups with every word come first, then those with some; a long page that has them only in passing ranks by how well it matches. Each word also finds its inflections, compounds that contain it, its glossary term in the other language, and, when long, close spellings.",
        ),
        (
            "\"change freeze\"",
            "A phrase: write-ups with the words together, in this order, come first (unless only in passing, as for free words), then those with some of its words. +\"change freeze\" only finds the phrase.",
        ),
        ("+cab", "Required: only write-ups with this word."),
        (
            "cab AND freeze",
            "Both words required: the same as +cab +freeze.",
        ),
        (
            "cab OR freeze",
            "Either word: write-ups with one of them count as having the word.",
        ),
        (
            "-christmas",
            "Excluded: no write-ups with this word (also -\"a phrase\").",
        ),
        (
            "kind:mistake",
            "A filter by front-matter field: kind, practices, tags, year (2019..2022), language, sector, tools, meeting, section (lesson or mistake).",
        ),
        (
            "faar, roed, aendring",
            "aa, oe and ae stand for å, ø and æ when the word as typed finds nothing; o is never ø: rod does not find rød.",
        ),
    ],
    newest_heading: "Newest write-ups",
    results_heading: "Results",
    sort_label: "Sort",
    sort_relevance: "Best match",
    sort_newest: "Newest first",
    section_label: "Show",
    section_all: "All text",
    section_lesson: "Matches in \"Lesson learned\" only",
    section_mistake: "Matches in \"Mistake to avoid\" only",
    filters: "Filters",
    active_filters: "Active filters",
    clear_filters: "Clear all filters",
    selected: "selected",
    facet_kind: "Kind",
    facet_practices: "Practice",
    facet_tags: "Tags",
    facet_year: "Year",
    facet_language: "Language",
    facet_sector: "Sector",
    facet_org_size: "People in IT",
    facet_tools: "Tools",
    facet_meeting: "Meeting",
    facet_other: "Other",
    kind_lesson: "Lesson",
    kind_mistake: "Mistake",
    kind_practice: "Practice",
    language_da: "Danish",
    language_en: "English",
    sector_public: "Public",
    sector_private: "Private",
    sector_non_profit: "Non-profit",
    status_draft: "Draft",
    status_review: "In review",
    status_published: "Published",
    status_archived: "Archived",
    snippet_mistake: "Mistake to avoid",
    snippet_lesson: "Lesson learned",
    snippet_summary: "Summary",
    snippet_text: "Text",
    undated: "Undated",
    pagination: "Pages",
    previous: "Previous",
    next: "Next",
    did_you_mean: "Did you mean",
    try_without: "Try without a filter:",
    no_results_advice: "Try fewer words, the other language (hændelse ↔ incident), or a broader term.",
    browse_instead: "Browse by practice, tag or meeting",
    empty_collection: "There are no write-ups yet. Add one with `erfa new \"Title\"` and it appears here.",
    about_writeup: "About this write-up",
    meta_authors: "Shared by",
    anonymous: "Shared anonymously",
    meta_organisation: "Organisation",
    meta_tools: "Tools",
    meta_status: "Status",
    meta_source: "First published at",
    meta_references: "References",
    visibility_members: "Members only",
    visibility_public: "Public",
    meta_visibility: "Visible to",
    contact_ok: "The authors welcome questions from members.",
    related: "Related write-ups",
    read_in_danish: "Læs den på dansk",
    read_in_english: "Read it in English",
    banner_archived: "This write-up is archived: kept for reference, but no longer current.",
    banner_superseded: "This write-up has been superseded by",
    banner_duplicate: "This write-up duplicates",
    banner_unpublished: "Not published: only the facilitator sees this write-up.",
    back_to_search: "Back to search",
    browse_heading: "Browse",
    browse_practices: "By practice",
    browse_tags: "By tag",
    browse_meetings: "By meeting",
    browse_newest: "Newest",
    see_all_newest: "All write-ups, newest first",
    error_400: "That request did not work",
    error_403: "Not allowed",
    error_404: "Page not found",
    error_404_text: "There is no write-up or page at this address, or it has moved. Search for it instead.",
    error_405: "Method not allowed",
    error_408: "The request took too long",
    error_408_text: "erfa stopped waiting for this request. Please try again.",
    error_413: "Too much to send",
    error_413_text: "What was sent is larger than erfa accepts (at most 1 MiB). Shorten the text and try again.",
    error_414: "The address is too long",
    error_414_text: "This address is longer than erfa accepts. Shorten the search or choose fewer filters.",
    error_500: "Something went wrong",
    error_500_text: "erfa could not answer this request. The cause has been logged; please try again.",
    error_503: "erfa is busy",
    error_503_text: "erfa is answering as many requests as it can right now. Please try again in a moment.",
    error_507: "Not saved: the disk is full",
    error_507_text: "The server's disk is full, so nothing was saved. Please try again later, or tell the facilitator.",
    go_home: "Go to search",
    local_refused: "erfa runs in local mode: it has no accounts yet, so it answers only requests made on this computer to localhost, 127.0.0.1 or [::1], and none that came through a proxy. To share erfa with the group, add the first account (erfa user add NAME --role facilitator) and restart erfa serve.",
    feed_title: "erfa — newest write-ups",
    opensearch_description: "Search shared IT service management experiences",
    updating: "Updating results…",
    error_401: "Please log in",
    error_401_text: "Log in to see this page.",
    error_429: "Too many attempts",
    forbidden_role: "Your role does not include this page. Ask the facilitator if you need it.",
    csrf_refused: "This request came from another site and was refused. Reload the page in erfa and try again.",
    login_title: "Log in",
    login_intro: "erfa is the network group's confidential knowledge base. Log in with the name and password you chose when the facilitator invited you.",
    login_name: "Name",
    login_password: "Password",
    login_submit: "Log in",
    login_failed: "Wrong name or password.",
    login_throttled: "Too many failed attempts. Wait 15 minutes and try again, or ask the facilitator for a password reset link.",
    login_forgot: "Forgot your password? The facilitator can send you a link to choose a new one.",
    login_forgot_heading: "Forgot your password?",
    login_forgot_mail: "Give your login name: if your account has a confirmed e-mail address, erfa mails you a link to choose a new password.",
    login_forgot_submit: "Mail me a link",
    login_forgot_sent: "If that account has a confirmed e-mail address, a link to choose a new password is on its way. It works once, for seven days. No mail within a few minutes? Ask the facilitator.",
    logged_in_as: "Logged in as",
    logout: "Log out",
    nav_login: "Log in",
    nav_account: "Account",
    nav_people: "People",
    role_member: "Member",
    role_contributor: "Contributor",
    role_facilitator: "Facilitator",
    account_title: "Your account",
    account_role: "Role",
    account_feed: "Personal feed",
    account_feed_text: "Feed readers cannot log in, so your personal feed address carries a secret token. Keep it to yourself. Creating a new address does not stop the old ones; the facilitator can revoke them all.",
    account_feed_new: "Create a feed address",
    account_token: "API token",
    account_token_text: "Programs can use the JSON API with your role by sending Authorization: Bearer followed by a token.",
    account_token_new: "Create an API token",
    secret_once: "Copy it now: it is shown only this once.",
    people_title: "People",
    people_invite: "Invite someone",
    people_invite_text: "Creates a link that lets one person choose a name and password and join with the role you pick. It works once and for 7 days.",
    people_invite_email: "E-mail address (optional: erfa mails the link)",
    people_invite_submit: "Create invitation link",
    people_link_ready: "Send this link to the person by a channel you trust. It works once, for 7 days:",
    people_link_mailed: "The link was mailed to",
    people_link_copy_too: "You can also copy it. It works once, for 7 days:",
    people_name: "Name",
    people_role: "Role",
    people_email: "E-mail",
    people_email_confirmed: "confirmed",
    people_email_unconfirmed: "not confirmed yet",
    people_email_save: "Save address",
    people_email_saved: "The address is saved. erfa sends it a link to confirm it, and nothing else until it is used.",
    people_email_removed: "The address is removed.",
    people_email_hint: "Leave the field empty to remove the address.",
    people_actions: "Actions",
    people_change_role: "Change role",
    people_reset: "Password reset link",
    people_offboard: "Offboard",
    people_offboarded: "The account is removed; its sessions, tokens, feed addresses and one-time links stopped working at once. A new account of the same name starts empty.",
    people_role_changed: "The role is changed; it applies from the next request.",
    people_self: "You cannot change or remove your own account here; use erfa user on the server.",
    people_locked: "locked (erfa user unlock opens it)",
    mine_changed_meanwhile: "The facilitator changed this write-up's status just now; open it again to see where it stands.",
    account_password_session_only: "Log in with your password to change it; API tokens and single sign-on cannot.",
    account_password_long: "Passwords are at most 1024 characters.",
    desk_merge_unknown: "no write-up has this address; choose one from the list",
    desk_merge_recent: "Recent merges",
    desk_merge_undo: "Undo",
    desk_merge_undone: "The merge is undone: both write-ups are as they were before it.",
    desk_merge_changed_since: "One of the two write-ups has changed since the merge, so it is not undone automatically; edit the two files by hand.",
    desk_changes_since: "What changed since your request",
    desk_closest: "Closest published write-ups:",
    own_unpublished: "Not published yet: only you and the facilitator can read this.",
    print_confidential: "Confidential — for members of the network only",
    print_printed: "Printed",
    desk_attention: "Needs your attention",
    desk_attention_review: "Write-ups waiting for review",
    desk_attention_flags: "Open flags from members",
    desk_attention_broken: "Write-ups with errors, left out of search",
    desk_attention_zero: "Topics members searched for and did not find (12 weeks)",
    desk_attention_drafts: "Drafts not sent for review yet",
    desk_activity: "What happened lately",
    desk_merge_confirm_title: "Merge these two write-ups?",
    desk_merge_kept: "Kept",
    desk_merge_retired: "Retired as a duplicate",
    desk_merge_confirm_redirect: "Its address will lead to the kept one:",
    desk_merge_confirm_moves: "These sections of the retired one are added to the kept one:",
    desk_merge_confirm_nothing_moves: "The kept one already has every kind of section, so nothing is added.",
    desk_merge_confirm: "Yes, merge",
    desk_merge_choose: "Type part of a title or address and choose from the list.",
    desk_done_unpublish: "Back in the review queue: it is no longer published.",
    desk_done_restore: "Restored: it is out of the archive.",
    desk_undo_publish: "Undo: back to review",
    desk_undo_archive: "Undo: restore",
    desk_wrong_status: "This action does not fit the write-up's status now; reload the review queue.",
    desk_former_account: "a former account",
    desk_sent_by: "Sent by",
    desk_resubmitted: "Sent again after your change request",
    desk_draft_waiting: "Draft: the contributor has not sent it for review yet, so it cannot be published.",
    desk_archive_confirm_title: "Archive this write-up?",
    desk_archive_confirm_text: "Archived write-ups leave search and the review queue; their pages say they are archived. You can restore it afterwards.",
    desk_archive_confirm: "Yes, archive",
    mine_saved_draft: "Saved as a draft. Send it for review when it is ready:",
    mine_state_review: "Status: waiting for the facilitator's review. You can still change it.",
    mine_state_draft: "Status: draft. The facilitator sees it once you send it for review.",
    mine_state_changes: "Status: draft — the facilitator asked for changes. Change it, then send it for review again.",
    share_requests_heading: "What the facilitator asked to change",
    button_save_draft: "Save as draft",
    button_resubmit: "Save and send for review",
    people_last_login: "Last login",
    people_never: "never",
    people_pending: "Open links",
    people_pending_text: "Invitations and password reset links that nobody has used yet. Withdraw one that went to the wrong person or is no longer needed; it stops working at once.",
    people_pending_none: "No open links.",
    people_link_kind: "Link",
    people_link_invite: "Invitation",
    people_link_reset: "Password reset",
    people_link_for: "For",
    people_link_by: "Made by",
    people_link_expires: "Expires",
    people_link_server: "the server (erfa user)",
    people_withdraw: "Withdraw",
    people_withdrawn: "The link is withdrawn; it no longer opens.",
    people_offboard_confirm_title: "Offboard this account?",
    people_offboard_confirm_text: "The account is removed at once: its sessions, API tokens, feed addresses and open links stop working. What the person shared stays. This cannot be undone; a new account of the same name starts empty.",
    people_offboard_confirm: "Yes, offboard",
    cancel: "Cancel",
    copy: "Copy",
    copied: "Copied",
    account_password: "Change your password",
    account_password_text: "When you change it, your other sessions, API tokens and feed addresses stop working; you stay logged in here.",
    account_password_current: "Current password",
    account_password_new: "New password (at least 10 characters)",
    account_password_submit: "Change password",
    account_password_changed: "Your password is changed; your other sessions, API tokens and feed addresses have ended.",
    account_password_wrong: "The current password is not right.",
    account_password_weak: "The new password needs at least 10 characters.",
    invite_title: "Join erfa",
    invite_text: "Choose the name you will log in with and a password of at least 10 characters.",
    reset_title: "Choose a new password",
    password_again: "Password again",
    passwords_differ: "The two passwords differ.",
    invite_submit: "Create account",
    reset_submit: "Save password",
    link_bad: "This link is unknown, was used already or has expired. Ask the facilitator for a new one.",
    sso_unknown: "Your organisation's sign-in named you, but erfa has no account by that name. Ask the facilitator to add you (erfa user add) with the name your sign-in uses.",
    sso_locked: "Your organisation's sign-in named you, but your erfa account is locked. Ask the facilitator.",
    // The facilitator's desk.
    nav_desk: "Desk",
    nav_digest: "Digest",
    desk_title: "Facilitator's desk",
    desk_intro: "What needs your attention: write-ups waiting for review, members' flags, the health of the collection, what members search for, and the next meeting.",
    desk_when: "When",
    desk_who: "Who",
    desk_what: "What",
    desk_nothing: "Nothing here.",
    desk_update: "Show",
    desk_review: "Review queue",
    desk_review_empty: "No drafts and nothing waiting for review.",
    desk_check_clean: "erfa check finds nothing to fix.",
    desk_notes: "Change requests",
    desk_publish: "Publish",
    desk_archive: "Archive",
    desk_request_changes: "Request changes",
    desk_changes_comment: "What should change (the contributor sees this)",
    desk_changes_comment_needed: "Say what should change: the contributor sees your comment.",
    desk_publish_invalid: "This write-up has errors (see erfa check); fix them before publishing.",
    desk_done_publish: "Published. The status line was changed and the change is in the audit log.",
    desk_done_changes: "Changes requested: the write-up is a draft again and your comment is kept for the contributor.",
    desk_done_archive: "Archived.",
    desk_done_flag: "The flag is closed.",
    desk_done_merge: "Merged:",
    desk_flags: "Flags",
    history_title: "History",
    history_intro: "Every version of this write-up in the content folder's git history, newest first, with what changed from the version before. Restoring an earlier version saves it as a new version, sends it back to review and never widens who may read it.",
    history_none: "No versions: the content folder is not the root of a git repository, or the write-up is not committed yet.",
    history_current: "current version",
    history_restore: "Restore this version",
    history_restored: "The version is restored and waits for review.",
    history_first: "first version",
    desk_flags_empty: "No open flags.",
    desk_flags_closed: "Closed flags",
    desk_resolve: "Resolved",
    desk_dismiss: "Dismiss",
    desk_flag_open: "open",
    desk_flag_resolved: "resolved",
    desk_flag_dismissed: "dismissed",
    desk_merge: "Merge duplicates",
    desk_merge_text: "Choose two write-ups that say the same. The older one is retired: its address leads to the newer one, and its page says it is a duplicate. If you wish, the sections the newer one lacks are added to it. You see what will happen before anything changes.",
    desk_merge_first: "First write-up",
    desk_merge_second: "Second write-up",
    desk_merge_append: "Append the older one's sections that the kept one lacks",
    desk_merge_submit: "Merge",
    desk_merge_two: "Choose two different write-ups.",
    desk_merge_audience: "These two write-ups differ in status or visibility, so merging would move text to another audience. Give them the same status and visibility first (in their files or on the review page), then merge.",
    desk_merge_unpublished: "Drafts and submissions under review belong to their contributors until they are published, so they are not merged. Publish them first, or ask a contributor for changes.",
    desk_merge_translation: "One of these write-ups is the other's translation (translation_of). Translations are kept side by side, not merged.",
    desk_near_duplicates: "Near-duplicates",
    desk_near_text: "Pairs of write-ups, later one first, that share at least half of their three-word phrases (title and text); translations of each other are left out.",
    desk_near_shared: "of their three-word phrases in common",
    desk_health: "Content health",
    desk_dropped: "Left out of the index",
    desk_dropped_text: "These files have errors, so members cannot find them. Fix them and they come back by themselves.",
    desk_dropped_published: "Published, now missing:",
    desk_not_watching: "The content folder is not being watched; this list is what a rebuild would leave out.",
    desk_check: "erfa check",
    desk_errors: "errors",
    desk_warnings: "warnings",
    desk_stale: "Due for review",
    desk_stale_text: "Past review_after, or published and not confidence: validated for more days than",
    desk_review_after_passed: "review_after passed:",
    desk_old_not_validated: "not validated, dated",
    desk_missing: "Missing lesson or mistake",
    desk_no_lesson_or_mistake: "no \"Lesson learned\" and no \"Mistake to avoid\" section",
    desk_no_lesson: "a lesson without a \"Lesson learned\" section",
    desk_no_mistake: "a mistake without a \"Mistake to avoid\" section",
    desk_broken: "Broken links between write-ups",
    desk_coverage: "Coverage per ITIL practice",
    desk_published: "Published write-ups",
    desk_insights: "Search insights",
    desk_insights_off: "Search insights are switched off (erfa serve --no-insights or insights = false); no searches are recorded.",
    desk_insights_text: "Searches are kept without names or sessions: only the query, whether it found anything, the day, and a hash that tells sessions apart. A query is shown only when the number of different sessions that made it is at least",
    desk_weeks: "Weeks",
    desk_searches: "searches",
    desk_zero_searches: "without results",
    desk_hidden: "queries not shown (too few sessions)",
    desk_query: "Query",
    desk_sessions: "Sessions",
    desk_top_queries: "Most frequent queries",
    desk_meeting: "Next meeting",
    desk_since: "Since",
    desk_last_meeting: "last meeting",
    desk_markdown: "Download as Markdown",
    desk_agenda_zero: "Searched for, not found",
    desk_agenda_flags: "Open flags",
    desk_agenda_saw_too: "Many saw this too, not yet validated",
    desk_agenda_added: "Added since the last meeting",
    desk_signals: "Was this useful?",
    desk_helped: "This helped",
    desk_saw_too: "We saw this too",
    desk_flag: "Flag",
    desk_flag_reason: "Reason",
    desk_comment: "Comment",
    desk_flag_submit: "Send to the facilitator",
    desk_flag_comment_needed: "Say what is wrong when the reason is \"other\".",
    desk_reason_outdated: "Outdated",
    desk_reason_wrong: "Wrong",
    desk_reason_duplicate: "Duplicate",
    desk_reason_other: "Other",
    desk_digest: "Digest",
    desk_digest_text: "A printable selection to show your department what the group discussed. Organisations and authors are left out.",
    desk_digest_empty: "Choose a meeting to see its write-ups.",
    desk_confidential: "Confidential — members only",
    desk_confidential_note: "This digest holds confidential write-ups: share it only inside your organisation, and not beyond.",
    // Sharing an experience.
    nav_share: "Share",
    nav_mine: "My write-ups",
    share_title: "Share an experience",
    share_intro: "What worked, what failed, what you would do differently. Ten minutes is enough: fill in what you can, preview it, and send it for the facilitator's review. Nothing is published before that.",
    share_edit_title: "Edit your write-up",
    share_mine_link: "My write-ups",
    share_about: "What it is about",
    share_where: "Where it happened",
    share_sharing: "Who is named, who may read it",
    share_sections: "Your experience",
    share_sections_hint: "Write in Markdown: a blank line starts a new paragraph, **bold**, *italic*, - lists, [links](https://…). Leave out sections that do not fit.",
    field_title: "Title",
    field_title_hint: "One line that says what happened, e.g. “We copied a bank's CAB and it did not fit”.",
    field_summary: "Summary",
    field_summary_hint: "One sentence for the search results.",
    field_kind: "Kind",
    field_practices: "ITIL 4 practices",
    field_practices_hint: "Choose the practices it is about.",
    group_general: "General management",
    group_service: "Service management",
    group_technical: "Technical management",
    field_tags: "Tags",
    field_tags_hint: "Separate with commas; existing tags are suggested.",
    field_language: "Written in",
    field_date: "Date",
    field_date_hint: "When it happened or was presented.",
    field_authors: "Authors",
    field_authors_hint: "Leave empty to share anonymously: only the facilitator knows who sent it. Separate names with commas.",
    field_organisation: "Organisation",
    field_organisation_hint: "Optional. Shown to members only, never in public.",
    field_sector: "Sector",
    field_org_size: "People in IT",
    field_tools: "Tools",
    field_tools_hint: "ITSM tools involved, separated by commas, e.g. TOPdesk, ServiceNow.",
    field_meeting: "Meeting",
    field_meeting_hint: "The meeting where it was presented, e.g. 2024-Q2. Optional.",
    field_visibility: "Who may read it",
    share_visibility_members: "Members only",
    share_visibility_public: "Everyone (public)",
    share_members_only_hint: "Made from a thread in Ask the group: its answers were written for members, so it stays members-only.",
    not_given: "Not given",
    button_preview: "Preview",
    button_send: "Send for review",
    button_send_anyway: "Send anyway",
    button_save: "Save changes",
    preview_heading: "Preview",
    preview_empty: "Your text will appear here as members will read it.",
    similar_heading: "Someone may already have written this",
    similar_text: "These write-ups look close to yours. Would you rather add to theirs? Tell the facilitator, or send yours anyway.",
    errors_heading: "There is a problem",
    err_disk_full: "Nothing was saved: the server's disk is full. Your text is still in the form below. Please try again later, or tell the facilitator.",
    warnings_heading: "Before you send",
    err_title: "Give your write-up a title.",
    err_kind: "Choose lesson, mistake or practice.",
    err_practice: "Choose practices from the list.",
    err_language: "Choose Danish or English.",
    err_date: "Write the date as YYYY-MM-DD, e.g. 2024-03-10.",
    err_meeting: "Choose one of the group's meetings from the list, or none.",
    err_meeting_unknown: "It names a meeting that is not in the group's list of meetings (content/_meetings.yaml): correct the meeting, or add the meeting to the list.",
    field_meeting_choose: "The meeting where it was presented, if it was. Optional.",
    err_choice: "Choose one of the values in the list.",
    err_too_long: "This is too long.",
    warn_date: "Add the date: others look for recent experiences.",
    warn_lesson: "A lesson needs the section “Lesson learned”: what should others take away?",
    warn_mistake: "A mistake needs the section “Mistake to avoid”: what should others not do?",
    mine_title: "My write-ups",
    mine_intro: "What you shared through this form. You can edit a write-up until the facilitator publishes it.",
    mine_empty: "You have not shared anything yet.",
    mine_saved: "Thank you! Your write-up is saved and waits for the facilitator's review:",
    mine_index_pending: "Search will find it as soon as the index has caught up; you need not do anything.",
    mine_edit: "Edit",
    mine_status: "Status",
    mine_updated: "Last changed",
    mine_gone: "Moved or removed by the facilitator",
    mine_locked: "This write-up is published; the facilitator edits it now.",
    mine_share_another: "Share another experience",
    nav_meetings: "Meetings",
    meetings_title: "Meetings",
    meetings_intro: "Help decide what the coming meetings are about: propose a topic, vote for the ones you want to hear about, and see the agenda.",
    meetings_no_list: "The facilitator has not listed the group's meetings yet, so topics cannot be proposed.",
    meetings_none_upcoming: "No meeting is planned yet.",
    topics_agenda: "On the agenda",
    topics_agenda_empty: "Nothing on the agenda yet.",
    topics_proposed: "Proposed topics",
    topics_proposed_empty: "No topics proposed yet. Be the first.",
    topic_vote: "Vote",
    topic_unvote: "Withdraw my vote",
    topic_voted: "You vote for this.",
    topic_by: "Proposed by",
    topic_a_member: "a member",
    topic_former: "a former member",
    topic_you: "you",
    topic_comment_label: "Comment briefly",
    topic_comment_submit: "Add comment",
    topic_comments: "Comments",
    topic_refers: "About",
    topic_outcomes: "Came out of it",
    propose_heading: "Propose a topic",
    propose_meeting: "For the meeting",
    propose_title: "Topic",
    propose_title_hint: "A short title, e.g. \"Running a CAB with five people\".",
    propose_why: "Why it matters to you",
    propose_why_hint: "Your situation in a few lines: what you have tried, and what you would like to hear from the others.",
    propose_link: "A write-up it is about (optional)",
    propose_link_hint: "Its address, e.g. change/cab-copied.",
    propose_named: "Show my name to the other members",
    propose_named_hint: "The facilitator always sees who proposed a topic; other members see it only if you tick this.",
    propose_submit: "Propose",
    topics_mine: "Your proposals",
    topic_state_proposed: "Open for votes",
    topic_state_accepted: "On the agenda",
    topic_state_declined: "Not taken up",
    topic_note: "The facilitator's note",
    topics_earlier: "The last meeting",
    topic_link_outcome: "Address of a write-up that came out of it",
    topic_link_submit: "Link",
    topic_unlink: "Remove",
    topic_done_proposed: "Thank you: your topic is proposed, and members can vote for it now.",
    topic_done_decided: "The decision is saved; the member who proposed it sees it with your note.",
    err_topic_title: "Give the topic a title of at most 200 characters.",
    err_topic_why: "Say in a few words why it matters, in at most 2,000 characters.",
    err_topic_meeting: "Choose one of the coming meetings.",
    err_topic_link: "No write-up you can read has that address.",
    err_topic_comment: "Write a comment of at most 2,000 characters.",
    desk_topics_proposed: "Topics proposed by members",
    desk_topics_accepted: "Topics from the members",
    desk_topic_accept: "Put on the agenda",
    desk_topic_decline: "Decline",
    desk_topic_reopen: "Open for votes again",
    desk_topic_note: "Note to the member who proposed it (optional)",
    desk_not_helped: "Did not help us",
    desk_not_helped_reason: "Why not? Optional; only the facilitator sees it.",
    desk_not_helped_submit: "Tell the facilitator",
    desk_not_helped_given: "You told the facilitator this did not help you.",
    desk_not_helped_undo: "Take it back",
    desk_not_helped_heading: "Did not help",
    desk_not_helped_empty: "No member has said a write-up did not help them.",
    desk_no_reason: "no reason given",
    facet_confidence: "Confidence",
    confidence_validated: "Validated",
    confidence_not_validated: "Not validated",
    confidence_wip: "Work in progress",
    confidence_badge: "Validated by the group",
    confidence_set: "Set confidence",
    desk_validate_heading: "Proposed for validation",
    desk_validate_text: "Several members say they saw this too. Mark a write-up validated when the group agrees.",
    desk_validate: "Mark validated",
    meta_published: "Published in erfa",
    desk_found_now: "Found today",
    desk_found_none: "still nothing",
    desk_flag_sent: "Thank you: the facilitator will look at it.",
    desk_not_helped_sent: "Thank you: the facilitator sees that it did not help you.",
};

/// Dansk.
pub const DA: Strings = Strings {
    html_lang: "da",
    switch_language: "English",
    skip_to_content: "Spring til indhold",
    tagline: "Delte erfaringer med IT service management",
    nav_label: "Hovedmenu",
    nav_search: "Søg",
    nav_browse: "Gennemse",
    nav_feed: "Feed",
    local_banner_title: "Lokal tilstand",
    local_banner_text: "Du er facilitator på denne maskine: kladder og erfaringer kun for medlemmer vises. Kun denne computer kan åbne erfa, indtil der er oprettet konti.",
    footer: "erfa — det vi lærte, så andre slipper.",
    footer_api: "API (OpenAPI)",
    search_label: "Søg i erfaringer",
    search_placeholder: "fx CAB, større hændelse, incident",
    search_button: "Søg",
    search_hint: "Dansk eller engelsk. \"Anførselstegn\" for fraser, +ord for at kræve, -ord for at udelade. Tryk / for at søge.",
    search_syntax_title: "Sådan søger du",
    search_syntax: &[
        (
            "cab frys",
            "Frie ord: erfaringer med alle ordene kommer først, så dem med nogle af dem; en lang side, der kun nævner dem i forbifarten, rangeres efter, hvor godt den passer. Hvert ord finder også sine bøjninger, sammensatte ord, der indeholder det, ordlistens ord på det andet sprog og, når ordet er langt, stavemåder tæt på.",
        ),
        (
            "\"change freeze\"",
            "En frase: erfaringer med ordene samlet i denne rækkefølge kommer først (medmindre kun i forbifarten, som for frie ord), derefter dem med nogle af ordene. +\"change freeze\" finder kun frasen.",
        ),
        ("+cab", "Krævet: kun erfaringer med dette ord."),
        (
            "cab AND frys",
            "Begge ord krævet: det samme som +cab +frys.",
        ),
        (
            "cab OR frys",
            "Et af ordene: erfaringer med det ene eller det andet tæller, som om de har ordet.",
        ),
        (
            "-jul",
            "Udeladt: ingen erfaringer med dette ord (også -\"en frase\").",
        ),
        (
            "kind:mistake",
            "Et filter på et felt i forsiden: kind, practices, tags, year (2019..2022), language, sector, tools, meeting, section (lesson eller mistake).",
        ),
        (
            "faar, roed, aendring",
            "aa, oe og ae står for å, ø og æ, når ordet som skrevet ikke finder noget; o er aldrig ø: rod finder ikke rød.",
        ),
    ],
    newest_heading: "Nyeste erfaringer",
    results_heading: "Resultater",
    sort_label: "Sortering",
    sort_relevance: "Bedste match",
    sort_newest: "Nyeste først",
    section_label: "Vis",
    section_all: "Al tekst",
    section_lesson: "Kun fund i \"Læring\"",
    section_mistake: "Kun fund i \"Fejl at undgå\"",
    filters: "Filtre",
    active_filters: "Aktive filtre",
    clear_filters: "Ryd alle filtre",
    selected: "valgt",
    facet_kind: "Type",
    facet_practices: "Praksis",
    facet_tags: "Emner",
    facet_year: "År",
    facet_language: "Sprog",
    facet_sector: "Sektor",
    facet_org_size: "Ansatte i IT",
    facet_tools: "Værktøjer",
    facet_meeting: "Møde",
    facet_other: "Andet",
    kind_lesson: "Læring",
    kind_mistake: "Fejl",
    kind_practice: "Praksis",
    language_da: "Dansk",
    language_en: "Engelsk",
    sector_public: "Offentlig",
    sector_private: "Privat",
    sector_non_profit: "Nonprofit",
    status_draft: "Kladde",
    status_review: "Til gennemsyn",
    status_published: "Udgivet",
    status_archived: "Arkiveret",
    snippet_mistake: "Fejl at undgå",
    snippet_lesson: "Læring",
    snippet_summary: "Resumé",
    snippet_text: "Tekst",
    undated: "Udateret",
    pagination: "Sider",
    previous: "Forrige",
    next: "Næste",
    did_you_mean: "Mente du",
    try_without: "Prøv uden et filter:",
    no_results_advice: "Prøv færre ord, det andet sprog (incident ↔ hændelse) eller et bredere begreb.",
    browse_instead: "Gennemse efter praksis, emne eller møde",
    empty_collection: "Der er ingen erfaringer endnu. Tilføj en med `erfa new \"Titel\"`, så dukker den op her.",
    about_writeup: "Om denne erfaring",
    meta_authors: "Delt af",
    anonymous: "Delt anonymt",
    meta_organisation: "Organisation",
    meta_tools: "Værktøjer",
    meta_status: "Status",
    meta_source: "Først udgivet",
    meta_references: "Referencer",
    visibility_members: "Kun medlemmer",
    visibility_public: "Offentlig",
    meta_visibility: "Synlig for",
    contact_ok: "Forfatterne svarer gerne på spørgsmål fra medlemmer.",
    related: "Relaterede erfaringer",
    read_in_danish: "Læs den på dansk",
    read_in_english: "Read it in English",
    banner_archived: "Denne erfaring er arkiveret: den gemmes som reference, men er ikke længere aktuel.",
    banner_superseded: "Denne erfaring er afløst af",
    banner_duplicate: "Denne erfaring er en dublet af",
    banner_unpublished: "Ikke udgivet: kun facilitatoren ser denne erfaring.",
    back_to_search: "Tilbage til søgning",
    browse_heading: "Gennemse",
    browse_practices: "Efter praksis",
    browse_tags: "Efter emne",
    browse_meetings: "Efter møde",
    browse_newest: "Nyeste",
    see_all_newest: "Alle erfaringer, nyeste først",
    error_400: "Forespørgslen kunne ikke gennemføres",
    error_403: "Ikke tilladt",
    error_404: "Siden findes ikke",
    error_404_text: "Der er ingen erfaring eller side på denne adresse, eller den er flyttet. Søg efter den i stedet.",
    error_405: "Metoden er ikke tilladt",
    error_408: "Forespørgslen tog for lang tid",
    error_408_text: "erfa holdt op med at vente på forespørgslen. Prøv igen.",
    error_413: "For meget at sende",
    error_413_text: "Det sendte er større, end erfa tager imod (højst 1 MiB). Gør teksten kortere, og prøv igen.",
    error_414: "Adressen er for lang",
    error_414_text: "Adressen er længere, end erfa tager imod. Gør søgningen kortere, eller vælg færre filtre.",
    error_500: "Noget gik galt",
    error_500_text: "erfa kunne ikke svare på forespørgslen. Årsagen er logget; prøv igen.",
    error_503: "erfa har travlt",
    error_503_text: "erfa svarer på så mange forespørgsler, som den kan, lige nu. Prøv igen om et øjeblik.",
    error_507: "Ikke gemt: disken er fuld",
    error_507_text: "Serverens disk er fuld, så intet blev gemt. Prøv igen senere, eller sig det til facilitatoren.",
    go_home: "Gå til søgning",
    local_refused: "erfa kører i lokal tilstand: der er endnu ingen konti, så erfa svarer kun på forespørgsler fra denne computer til localhost, 127.0.0.1 eller [::1], og ingen der er kommet gennem en proxy. For at dele erfa med gruppen skal du oprette den første konto (erfa user add NAVN --role facilitator) og starte erfa serve igen.",
    feed_title: "erfa — nyeste erfaringer",
    opensearch_description: "Søg i delte erfaringer med IT service management",
    updating: "Opdaterer resultater…",
    error_401: "Log ind først",
    error_401_text: "Log ind for at se denne side.",
    error_429: "For mange forsøg",
    forbidden_role: "Din rolle giver ikke adgang til denne side. Spørg facilitatoren, hvis du har brug for den.",
    csrf_refused: "Forespørgslen kom fra et andet websted og blev afvist. Genindlæs siden i erfa, og prøv igen.",
    login_title: "Log ind",
    login_intro: "erfa er netværksgruppens fortrolige vidensbase. Log ind med det navn og den adgangskode, du valgte, da facilitatoren inviterede dig.",
    login_name: "Navn",
    login_password: "Adgangskode",
    login_submit: "Log ind",
    login_failed: "Forkert navn eller adgangskode.",
    login_throttled: "For mange mislykkede forsøg. Vent 15 minutter, og prøv igen, eller bed facilitatoren om et link til at nulstille adgangskoden.",
    login_forgot: "Glemt adgangskoden? Facilitatoren kan sende dig et link, hvor du vælger en ny.",
    login_forgot_heading: "Glemt adgangskoden?",
    login_forgot_mail: "Skriv dit brugernavn: har din konto en bekræftet e-mailadresse, mailer erfa dig et link, hvor du vælger en ny adgangskode.",
    login_forgot_submit: "Mail mig et link",
    login_forgot_sent: "Har kontoen en bekræftet e-mailadresse, er et link til en ny adgangskode på vej. Det virker én gang i syv dage. Ingen mail efter et par minutter? Spørg facilitatoren.",
    logged_in_as: "Logget ind som",
    logout: "Log ud",
    nav_login: "Log ind",
    nav_account: "Konto",
    nav_people: "Personer",
    role_member: "Medlem",
    role_contributor: "Bidragyder",
    role_facilitator: "Facilitator",
    account_title: "Din konto",
    account_role: "Rolle",
    account_feed: "Personligt feed",
    account_feed_text: "Feedlæsere kan ikke logge ind, så din personlige feedadresse indeholder en hemmelig nøgle. Hold den for dig selv. En ny adresse stopper ikke de gamle; facilitatoren kan tilbagekalde dem alle.",
    account_feed_new: "Opret en feedadresse",
    account_token: "API-nøgle",
    account_token_text: "Programmer kan bruge JSON-API'et med din rolle ved at sende Authorization: Bearer efterfulgt af en nøgle.",
    account_token_new: "Opret en API-nøgle",
    secret_once: "Kopiér den nu: den vises kun denne ene gang.",
    people_title: "Personer",
    people_invite: "Invitér en person",
    people_invite_text: "Opretter et link, hvor én person vælger navn og adgangskode og bliver oprettet med den rolle, du vælger. Det virker én gang og i 7 dage.",
    people_invite_email: "E-mailadresse (valgfri: erfa mailer linket)",
    people_invite_submit: "Opret invitationslink",
    people_link_ready: "Send linket til personen ad en kanal, du stoler på. Det virker én gang i 7 dage:",
    people_link_mailed: "Linket er mailet til",
    people_link_copy_too: "Du kan også kopiere det. Det virker én gang i 7 dage:",
    people_name: "Navn",
    people_role: "Rolle",
    people_email: "E-mail",
    people_email_confirmed: "bekræftet",
    people_email_unconfirmed: "ikke bekræftet endnu",
    people_email_save: "Gem adresse",
    people_email_saved: "Adressen er gemt. erfa sender et link til at bekræfte den, og intet andet før linket er brugt.",
    people_email_removed: "Adressen er fjernet.",
    people_email_hint: "Lad feltet være tomt for at fjerne adressen.",
    people_actions: "Handlinger",
    people_change_role: "Skift rolle",
    people_reset: "Link til ny adgangskode",
    people_offboard: "Fjern adgang",
    people_offboarded: "Kontoen er fjernet; dens sessioner, nøgler, feedadresser og engangslinks holdt op med at virke med det samme. En ny konto med samme navn starter tom.",
    people_role_changed: "Rollen er ændret; den gælder fra næste forespørgsel.",
    people_self: "Du kan ikke ændre eller fjerne din egen konto her; brug erfa user på serveren.",
    people_locked: "spærret (erfa user unlock åbner den)",
    mine_changed_meanwhile: "Facilitatoren har netop ændret skrivelsens status; åbn den igen for at se, hvor den står.",
    account_password_session_only: "Log ind med din adgangskode for at skifte den; API-nøgler og fælles login kan ikke.",
    account_password_long: "Adgangskoder er højst 1024 tegn.",
    desk_merge_unknown: "ingen skrivelse har denne adresse; vælg en på listen",
    desk_merge_recent: "Seneste sammenlægninger",
    desk_merge_undo: "Fortryd",
    desk_merge_undone: "Sammenlægningen er fortrudt: begge skrivelser er, som de var før.",
    desk_merge_changed_since: "En af de to skrivelser er ændret siden sammenlægningen, så den fortrydes ikke automatisk; ret de to filer i hånden.",
    desk_changes_since: "Det er ændret siden dit ønske",
    desk_closest: "Nærmeste offentliggjorte skrivelser:",
    own_unpublished: "Ikke offentliggjort endnu: kun du og facilitatoren kan læse den.",
    print_confidential: "Fortroligt — kun for medlemmer",
    print_printed: "Udskrevet",
    desk_attention: "Kræver din opmærksomhed",
    desk_attention_review: "Skrivelser, der venter på gennemsyn",
    desk_attention_flags: "Åbne markeringer fra medlemmer",
    desk_attention_broken: "Skrivelser med fejl, som søgningen udelader",
    desk_attention_zero: "Emner, medlemmer søgte efter uden at finde noget (12 uger)",
    desk_attention_drafts: "Kladder, der endnu ikke er sendt til gennemsyn",
    desk_activity: "Det seneste, der er sket",
    desk_merge_confirm_title: "Læg disse to skrivelser sammen?",
    desk_merge_kept: "Beholdes",
    desk_merge_retired: "Udgår som dublet",
    desk_merge_confirm_redirect: "Dens adresse vil føre til den, der beholdes:",
    desk_merge_confirm_moves: "Disse afsnit fra den, der udgår, føjes til den, der beholdes:",
    desk_merge_confirm_nothing_moves: "Den, der beholdes, har allerede alle slags afsnit, så intet tilføjes.",
    desk_merge_confirm: "Ja, læg sammen",
    desk_merge_choose: "Skriv en del af en titel eller adresse, og vælg på listen.",
    desk_done_unpublish: "Tilbage til gennemsyn: den er ikke længere offentliggjort.",
    desk_done_restore: "Gendannet: den er ude af arkivet.",
    desk_undo_publish: "Fortryd: tilbage til gennemsyn",
    desk_undo_archive: "Fortryd: gendan",
    desk_wrong_status: "Handlingen passer ikke til skrivelsens status nu; genindlæs listen til gennemsyn.",
    desk_former_account: "en tidligere konto",
    desk_sent_by: "Sendt af",
    desk_resubmitted: "Sendt igen efter dit ønske om ændringer",
    desk_draft_waiting: "Kladde: bidragyderen har ikke sendt den til gennemsyn endnu, så den kan ikke offentliggøres.",
    desk_archive_confirm_title: "Arkivér denne skrivelse?",
    desk_archive_confirm_text: "Arkiverede skrivelser forsvinder fra søgningen og listen til gennemsyn; deres sider siger, at de er arkiveret. Du kan gendanne den bagefter.",
    desk_archive_confirm: "Ja, arkivér",
    mine_saved_draft: "Gemt som kladde. Send den til gennemsyn, når den er klar:",
    mine_state_review: "Status: venter på facilitatorens gennemsyn. Du kan stadig ændre den.",
    mine_state_draft: "Status: kladde. Facilitatoren ser den, når du sender den til gennemsyn.",
    mine_state_changes: "Status: kladde — facilitatoren har bedt om ændringer. Ret den, og send den så til gennemsyn igen.",
    share_requests_heading: "Det har facilitatoren bedt om at få ændret",
    button_save_draft: "Gem som kladde",
    button_resubmit: "Gem og send til gennemsyn",
    people_last_login: "Seneste login",
    people_never: "aldrig",
    people_pending: "Åbne links",
    people_pending_text: "Invitationer og links til ny adgangskode, som ingen har brugt endnu. Træk et link tilbage, hvis det er sendt til den forkerte eller ikke skal bruges; det holder op med at virke med det samme.",
    people_pending_none: "Ingen åbne links.",
    people_link_kind: "Link",
    people_link_invite: "Invitation",
    people_link_reset: "Ny adgangskode",
    people_link_for: "Til",
    people_link_by: "Oprettet af",
    people_link_expires: "Udløber",
    people_link_server: "serveren (erfa user)",
    people_withdraw: "Træk tilbage",
    people_withdrawn: "Linket er trukket tilbage; det virker ikke længere.",
    people_offboard_confirm_title: "Fjern adgang for denne konto?",
    people_offboard_confirm_text: "Kontoen fjernes med det samme: dens sessioner, API-nøgler, feedadresser og åbne links holder op med at virke. Det, personen har delt, bliver. Det kan ikke fortrydes; en ny konto med samme navn starter tom.",
    people_offboard_confirm: "Ja, fjern adgang",
    cancel: "Annullér",
    copy: "Kopiér",
    copied: "Kopieret",
    account_password: "Skift din adgangskode",
    account_password_text: "Når du skifter den, holder dine andre sessioner, API-nøgler og feedadresser op med at virke; du forbliver logget ind her.",
    account_password_current: "Nuværende adgangskode",
    account_password_new: "Ny adgangskode (mindst 10 tegn)",
    account_password_submit: "Skift adgangskode",
    account_password_changed: "Din adgangskode er skiftet; dine andre sessioner, API-nøgler og feedadresser er afsluttet.",
    account_password_wrong: "Den nuværende adgangskode er forkert.",
    account_password_weak: "Den nye adgangskode skal have mindst 10 tegn.",
    invite_title: "Bliv oprettet i erfa",
    invite_text: "Vælg det navn, du vil logge ind med, og en adgangskode på mindst 10 tegn.",
    reset_title: "Vælg en ny adgangskode",
    password_again: "Adgangskode igen",
    passwords_differ: "De to adgangskoder er forskellige.",
    invite_submit: "Opret konto",
    reset_submit: "Gem adgangskode",
    link_bad: "Linket er ukendt, allerede brugt eller udløbet. Bed facilitatoren om et nyt.",
    sso_unknown: "Din organisations login kendte dig, men erfa har ingen konto med det navn. Bed facilitatoren om at oprette dig (erfa user add) med det navn, dit login bruger.",
    sso_locked: "Din organisations login kendte dig, men din konto i erfa er spærret. Spørg facilitatoren.",
    // The facilitator's desk.
    nav_desk: "Skrivebord",
    nav_digest: "Udtræk",
    desk_title: "Facilitatorens skrivebord",
    desk_intro: "Det, der venter på dig: skrivelser til gennemsyn, medlemmernes markeringer, samlingens tilstand, hvad medlemmerne søger efter, og næste møde.",
    desk_when: "Hvornår",
    desk_who: "Hvem",
    desk_what: "Hvad",
    desk_nothing: "Intet her.",
    desk_update: "Vis",
    desk_review: "Til gennemsyn",
    desk_review_empty: "Ingen kladder og intet venter på gennemsyn.",
    desk_check_clean: "erfa check finder intet at rette.",
    desk_notes: "Ønskede ændringer",
    desk_publish: "Offentliggør",
    desk_archive: "Arkivér",
    desk_request_changes: "Bed om ændringer",
    desk_changes_comment: "Hvad skal ændres (bidragyderen ser det)",
    desk_changes_comment_needed: "Skriv, hvad der skal ændres: bidragyderen ser din kommentar.",
    desk_publish_invalid: "Skrivelsen har fejl (se erfa check); ret dem, før den offentliggøres.",
    desk_done_publish: "Offentliggjort. Statuslinjen er ændret, og ændringen står i loggen.",
    desk_done_changes: "Ændringer ønsket: skrivelsen er kladde igen, og din kommentar er gemt til bidragyderen.",
    desk_done_archive: "Arkiveret.",
    desk_done_flag: "Markeringen er lukket.",
    desk_done_merge: "Lagt sammen:",
    desk_flags: "Markeringer",
    history_title: "Historik",
    history_intro: "Alle versioner af denne erfaring i indholdsmappens git-historik, nyeste først, med hvad der ændrede sig fra versionen før. En gendannet version gemmes som en ny version, sendes til gennemsyn igen og bliver aldrig synlig for flere end nu.",
    history_none: "Ingen versioner: indholdsmappen er ikke roden af et git-repository, eller erfaringen er ikke committet endnu.",
    history_current: "nuværende version",
    history_restore: "Gendan denne version",
    history_restored: "Versionen er gendannet og venter på gennemsyn.",
    history_first: "første version",
    desk_flags_empty: "Ingen åbne markeringer.",
    desk_flags_closed: "Lukkede markeringer",
    desk_resolve: "Løst",
    desk_dismiss: "Afvis",
    desk_flag_open: "åben",
    desk_flag_resolved: "løst",
    desk_flag_dismissed: "afvist",
    desk_merge: "Læg dubletter sammen",
    desk_merge_text: "Vælg to skrivelser, der siger det samme. Den ældste udgår: dens adresse fører til den nyeste, og dens side siger, at den er en dublet. Hvis du vil, føjes de afsnit, den nyeste mangler, til den. Du ser, hvad der vil ske, før noget ændres.",
    desk_merge_first: "Første skrivelse",
    desk_merge_second: "Anden skrivelse",
    desk_merge_append: "Tilføj de afsnit fra den ældste, som den beholdte mangler",
    desk_merge_submit: "Læg sammen",
    desk_merge_two: "Vælg to forskellige skrivelser.",
    desk_merge_audience: "De to skrivelser har forskellig status eller synlighed, så en sammenlægning ville flytte tekst til et andet publikum. Giv dem samme status og synlighed først (i deres filer eller på gennemsynssiden), og læg dem så sammen.",
    desk_merge_unpublished: "Kladder og indsendte skrivelser til gennemsyn tilhører deres bidragydere, indtil de er udgivet, så de lægges ikke sammen. Udgiv dem først, eller bed en bidragyder om ændringer.",
    desk_merge_translation: "Den ene skrivelse er den andens oversættelse (translation_of). Oversættelser står side om side og lægges ikke sammen.",
    desk_near_duplicates: "Næsten-dubletter",
    desk_near_text: "Par af skrivelser, den seneste først, der har mindst halvdelen af deres treords-vendinger (titel og tekst) til fælles; oversættelser af hinanden er udeladt.",
    desk_near_shared: "af treords-vendingerne til fælles",
    desk_health: "Indholdets tilstand",
    desk_dropped: "Udeladt af indekset",
    desk_dropped_text: "Disse filer har fejl, så medlemmerne kan ikke finde dem. Ret dem, så kommer de selv tilbage.",
    desk_dropped_published: "Offentliggjort, nu væk:",
    desk_not_watching: "Indholdsmappen overvåges ikke; listen er det, en genopbygning ville udelade.",
    desk_check: "erfa check",
    desk_errors: "fejl",
    desk_warnings: "advarsler",
    desk_stale: "Bør gennemses",
    desk_stale_text: "Efter review_after, eller offentliggjort og ikke confidence: validated i flere dage end",
    desk_review_after_passed: "review_after overskredet:",
    desk_old_not_validated: "ikke valideret, dateret",
    desk_missing: "Mangler læring eller fejl",
    desk_no_lesson_or_mistake: "hverken afsnittet \"Læring\" eller \"Fejl at undgå\"",
    desk_no_lesson: "en læring uden afsnittet \"Læring\"",
    desk_no_mistake: "en fejl uden afsnittet \"Fejl at undgå\"",
    desk_broken: "Brudte henvisninger mellem skrivelser",
    desk_coverage: "Dækning pr. ITIL-praksis",
    desk_published: "Offentliggjorte skrivelser",
    desk_insights: "Søgeindsigt",
    desk_insights_off: "Søgeindsigt er slået fra (erfa serve --no-insights eller insights = false); ingen søgninger gemmes.",
    desk_insights_text: "Søgninger gemmes uden navne eller sessioner: kun søgningen, om den fandt noget, dagen og en hash, der skelner sessioner. En søgning vises kun, når antallet af forskellige sessioner, der lavede den, er mindst",
    desk_weeks: "Uger",
    desk_searches: "søgninger",
    desk_zero_searches: "uden resultater",
    desk_hidden: "søgninger ikke vist (for få sessioner)",
    desk_query: "Søgning",
    desk_sessions: "Sessioner",
    desk_top_queries: "Hyppigste søgninger",
    desk_meeting: "Næste møde",
    desk_since: "Siden",
    desk_last_meeting: "sidste møde",
    desk_markdown: "Hent som Markdown",
    desk_agenda_zero: "Søgt efter, ikke fundet",
    desk_agenda_flags: "Åbne markeringer",
    desk_agenda_saw_too: "Mange har set det samme, endnu ikke valideret",
    desk_agenda_added: "Tilføjet siden sidste møde",
    desk_signals: "Var det nyttigt?",
    desk_helped: "Det hjalp",
    desk_saw_too: "Det har vi også set",
    desk_flag: "Markér",
    desk_flag_reason: "Årsag",
    desk_comment: "Kommentar",
    desk_flag_submit: "Send til facilitatoren",
    desk_flag_comment_needed: "Skriv, hvad der er galt, når årsagen er \"andet\".",
    desk_reason_outdated: "Forældet",
    desk_reason_wrong: "Forkert",
    desk_reason_duplicate: "Dublet",
    desk_reason_other: "Andet",
    desk_digest: "Udtræk",
    desk_digest_text: "Et udvalg til udskrift, så du kan vise din afdeling, hvad gruppen har drøftet. Organisationer og forfattere er udeladt.",
    desk_digest_empty: "Vælg et møde for at se dets skrivelser.",
    desk_confidential: "Fortroligt — kun for medlemmer",
    desk_confidential_note: "Udtrækket indeholder fortrolige skrivelser: del det kun i din egen organisation og ikke videre.",
    // Sharing an experience.
    nav_share: "Del",
    nav_mine: "Mine erfaringer",
    share_title: "Del en erfaring",
    share_intro: "Hvad virkede, hvad gik galt, hvad ville I gøre anderledes? Ti minutter er nok: udfyld det, du kan, se et eksempel, og send det til facilitatorens gennemsyn. Intet bliver offentliggjort før da.",
    share_edit_title: "Redigér din erfaring",
    share_mine_link: "Mine erfaringer",
    share_about: "Hvad det handler om",
    share_where: "Hvor det skete",
    share_sharing: "Hvem nævnes, hvem må læse det",
    share_sections: "Din erfaring",
    share_sections_hint: "Skriv i Markdown: en tom linje starter et nyt afsnit, **fed**, *kursiv*, - punktopstillinger, [links](https://…). Spring afsnit over, der ikke passer.",
    field_title: "Titel",
    field_title_hint: "Én linje, der siger, hvad der skete, fx “Vi kopierede en banks CAB, og den passede ikke”.",
    field_summary: "Resumé",
    field_summary_hint: "Én sætning til søgeresultaterne.",
    field_kind: "Type",
    field_practices: "ITIL 4-praksisser",
    field_practices_hint: "Vælg de praksisser, det handler om.",
    group_general: "Generel ledelse",
    group_service: "Service management",
    group_technical: "Teknisk ledelse",
    field_tags: "Emner",
    field_tags_hint: "Adskil med komma; eksisterende emner foreslås.",
    field_language: "Skrevet på",
    field_date: "Dato",
    field_date_hint: "Hvornår det skete eller blev fortalt.",
    field_authors: "Forfattere",
    field_authors_hint: "Lad feltet stå tomt for at dele anonymt: kun facilitatoren ved, hvem der sendte det. Adskil navne med komma.",
    field_organisation: "Organisation",
    field_organisation_hint: "Valgfrit. Vises kun for medlemmer, aldrig offentligt.",
    field_sector: "Sektor",
    field_org_size: "Ansatte i IT",
    field_tools: "Værktøjer",
    field_tools_hint: "ITSM-værktøjer, adskilt med komma, fx TOPdesk, ServiceNow.",
    field_meeting: "Møde",
    field_meeting_hint: "Mødet, hvor det blev fortalt, fx 2024-Q2. Valgfrit.",
    field_visibility: "Hvem må læse det",
    share_visibility_members: "Kun medlemmer",
    share_visibility_public: "Alle (offentligt)",
    share_members_only_hint: "Lavet ud fra en tråd i Spørg gruppen: svarene blev skrevet til medlemmerne, så den forbliver kun for medlemmer.",
    not_given: "Ikke angivet",
    button_preview: "Forhåndsvisning",
    button_send: "Send til gennemsyn",
    button_send_anyway: "Send alligevel",
    button_save: "Gem ændringer",
    preview_heading: "Forhåndsvisning",
    preview_empty: "Din tekst vises her, som medlemmerne vil læse den.",
    similar_heading: "Måske har nogen allerede skrevet om det",
    similar_text: "Disse erfaringer ligner din. Vil du hellere bygge videre på deres? Sig det til facilitatoren, eller send din alligevel.",
    errors_heading: "Der er et problem",
    err_disk_full: "Intet blev gemt: serverens disk er fuld. Din tekst står stadig i formularen nedenfor. Prøv igen senere, eller sig det til facilitatoren.",
    warnings_heading: "Før du sender",
    err_title: "Giv din erfaring en titel.",
    err_kind: "Vælg læring, fejl eller praksis.",
    err_practice: "Vælg praksisser fra listen.",
    err_language: "Vælg dansk eller engelsk.",
    err_date: "Skriv datoen som ÅÅÅÅ-MM-DD, fx 2024-03-10.",
    err_meeting: "Vælg et af gruppens møder på listen, eller intet.",
    err_meeting_unknown: "Den nævner et møde, der ikke er på gruppens liste over møder (content/_meetings.yaml): ret mødet, eller føj mødet til listen.",
    field_meeting_choose: "Mødet, hvor det blev fortalt, hvis det blev. Valgfrit.",
    err_choice: "Vælg en af værdierne på listen.",
    err_too_long: "Det er for langt.",
    warn_date: "Tilføj datoen: andre leder efter nye erfaringer.",
    warn_lesson: "En læring skal have afsnittet “Læring”: hvad skal andre tage med sig?",
    warn_mistake: "En fejl skal have afsnittet “Fejl at undgå”: hvad skal andre undgå?",
    mine_title: "Mine erfaringer",
    mine_intro: "Det, du har delt via formularen. Du kan redigere en erfaring, indtil facilitatoren offentliggør den.",
    mine_empty: "Du har ikke delt noget endnu.",
    mine_saved: "Tak! Din erfaring er gemt og venter på facilitatorens gennemsyn:",
    mine_index_pending: "Søgningen finder den, så snart indekset har indhentet den; du behøver ikke gøre noget.",
    mine_edit: "Redigér",
    mine_status: "Status",
    mine_updated: "Senest ændret",
    mine_gone: "Flyttet eller fjernet af facilitatoren",
    mine_locked: "Denne erfaring er offentliggjort; nu redigerer facilitatoren den.",
    mine_share_another: "Del en erfaring til",
    nav_meetings: "Møder",
    meetings_title: "Møder",
    meetings_intro: "Vær med til at bestemme, hvad de kommende møder handler om: foreslå et emne, stem på dem, du gerne vil høre om, og se dagsordenen.",
    meetings_no_list: "Facilitatoren har endnu ikke lagt gruppens møder ind, så der kan ikke foreslås emner.",
    meetings_none_upcoming: "Der er ikke planlagt et møde endnu.",
    topics_agenda: "På dagsordenen",
    topics_agenda_empty: "Intet på dagsordenen endnu.",
    topics_proposed: "Foreslåede emner",
    topics_proposed_empty: "Ingen emner foreslået endnu. Vær den første.",
    topic_vote: "Stem",
    topic_unvote: "Træk min stemme tilbage",
    topic_voted: "Du stemmer for dette.",
    topic_by: "Foreslået af",
    topic_a_member: "et medlem",
    topic_former: "et tidligere medlem",
    topic_you: "dig",
    topic_comment_label: "Kommentér kort",
    topic_comment_submit: "Tilføj kommentar",
    topic_comments: "Kommentarer",
    topic_refers: "Om",
    topic_outcomes: "Kom ud af det",
    propose_heading: "Foreslå et emne",
    propose_meeting: "Til mødet",
    propose_title: "Emne",
    propose_title_hint: "En kort titel, fx \"Et CAB med fem personer\".",
    propose_why: "Hvorfor det betyder noget for dig",
    propose_why_hint: "Jeres situation i få linjer: hvad I har prøvet, og hvad du gerne vil høre fra de andre.",
    propose_link: "En beskrivelse, det handler om (valgfrit)",
    propose_link_hint: "Dens adresse, fx change/cab-copied.",
    propose_named: "Vis mit navn for de andre medlemmer",
    propose_named_hint: "Facilitatoren kan altid se, hvem der har foreslået et emne; de andre medlemmer kun, hvis du sætter kryds her.",
    propose_submit: "Foreslå",
    topics_mine: "Dine forslag",
    topic_state_proposed: "Åben for stemmer",
    topic_state_accepted: "På dagsordenen",
    topic_state_declined: "Ikke taget op",
    topic_note: "Facilitatorens bemærkning",
    topics_earlier: "Sidste møde",
    topic_link_outcome: "Adressen på en beskrivelse, der kom ud af det",
    topic_link_submit: "Knyt",
    topic_unlink: "Fjern",
    topic_done_proposed: "Tak: dit emne er foreslået, og medlemmerne kan stemme på det nu.",
    topic_done_decided: "Beslutningen er gemt; medlemmet, der foreslog emnet, kan se den med din bemærkning.",
    err_topic_title: "Giv emnet en titel på højst 200 tegn.",
    err_topic_why: "Skriv med få ord, hvorfor det betyder noget, med højst 2.000 tegn.",
    err_topic_meeting: "Vælg et af de kommende møder.",
    err_topic_link: "Der er ingen beskrivelse med den adresse, som du kan læse.",
    err_topic_comment: "Skriv en kommentar på højst 2.000 tegn.",
    desk_topics_proposed: "Emner foreslået af medlemmerne",
    desk_topics_accepted: "Emner fra medlemmerne",
    desk_topic_accept: "Sæt på dagsordenen",
    desk_topic_decline: "Afvis",
    desk_topic_reopen: "Åbn for stemmer igen",
    desk_topic_note: "Bemærkning til medlemmet, der foreslog det (valgfri)",
    desk_not_helped: "Hjalp ikke os",
    desk_not_helped_reason: "Hvorfor ikke? Valgfrit; kun facilitatoren ser det.",
    desk_not_helped_submit: "Fortæl facilitatoren",
    desk_not_helped_given: "Du har fortalt facilitatoren, at det ikke hjalp jer.",
    desk_not_helped_undo: "Tag det tilbage",
    desk_not_helped_heading: "Hjalp ikke",
    desk_not_helped_empty: "Intet medlem har sagt, at en beskrivelse ikke hjalp dem.",
    desk_no_reason: "ingen begrundelse",
    facet_confidence: "Sikkerhed",
    confidence_validated: "Valideret",
    confidence_not_validated: "Ikke valideret",
    confidence_wip: "Under arbejde",
    confidence_badge: "Valideret af gruppen",
    confidence_set: "Sæt sikkerhed",
    desk_validate_heading: "Foreslået til validering",
    desk_validate_text: "Flere medlemmer siger, at de også har set det. Markér en beskrivelse som valideret, når gruppen er enig.",
    desk_validate: "Markér som valideret",
    meta_published: "Udgivet i erfa",
    desk_found_now: "Findes i dag",
    desk_found_none: "stadig intet",
    desk_flag_sent: "Tak: facilitatoren kigger på det.",
    desk_not_helped_sent: "Tak: facilitatoren kan se, at det ikke hjalp jer.",
};

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn accept_language_picks_the_best_known_language() {
        assert_eq!(
            Lang::negotiate(&headers(&[("accept-language", "da-DK,da;q=0.9,en;q=0.8")])),
            Lang::Da
        );
        assert_eq!(
            Lang::negotiate(&headers(&[("accept-language", "de, en;q=0.5, da;q=0.4")])),
            Lang::En
        );
        assert_eq!(
            Lang::negotiate(&headers(&[("accept-language", "en;q=0.2, da;q=0.9")])),
            Lang::Da
        );
        assert_eq!(
            Lang::negotiate(&headers(&[("accept-language", "fr")])),
            Lang::En
        );
        assert_eq!(Lang::negotiate(&headers(&[])), Lang::En);
    }

    #[test]
    fn the_cookie_wins_over_the_header() {
        let h = headers(&[("accept-language", "en"), ("cookie", "a=b; lang=da")]);
        assert_eq!(Lang::negotiate(&h), Lang::Da);
        let h = headers(&[("accept-language", "da"), ("cookie", "lang=xx")]);
        assert_eq!(Lang::negotiate(&h), Lang::Da);
    }

    #[test]
    fn practice_slugs_read_as_words() {
        assert_eq!(practice_name("change-enablement"), "Change enablement");
        assert_eq!(practice_name(""), "");
        assert_eq!(practice_name("it-asset-management"), "IT asset management");
        assert_eq!(practice_name("service-desk"), "Service desk");
    }
}
