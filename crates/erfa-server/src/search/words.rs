//! The search page's own words (issue 17): corrections, glossary terms, the filter
//! drawer, the combobox of suggestions and the last page, in English and Danish.

use crate::i18n::Lang;

/// Words of the search page that the shared strings do not have.
pub(crate) struct Words {
    /// Before the corrected query: "Showing results for".
    pub(crate) showing_results_for: &'static str,
    /// Before the link to the query as typed: "search instead for".
    pub(crate) search_instead_for: &'static str,
    /// Before the glossary's terms: "Also searched:".
    pub(crate) also_searched: &'static str,
    /// The button that opens the filters on a narrow screen.
    pub(crate) filters_button: &'static str,
    /// The button that closes the filter drawer.
    pub(crate) close_filters: &'static str,
    /// "Show {n} more" values of a facet.
    pub(crate) show_more: &'static str,
    /// "There are only {n} pages of results."
    pub(crate) past_last_page: &'static str,
    /// The same when there is one page.
    pub(crate) past_last_page_one: &'static str,
    /// "Go to page {n}".
    pub(crate) go_to_page: &'static str,
    /// The suggestion list's name for screen readers.
    pub(crate) suggestions: &'static str,
    /// "{n} suggestions; use the arrow keys to choose", read when the list opens.
    pub(crate) suggestions_open: &'static str,
    /// Suggestion kinds.
    pub(crate) suggestion_title: &'static str,
    /// A tag suggestion.
    pub(crate) suggestion_tag: &'static str,
    /// The link to the help page beside the search box.
    pub(crate) help_link: &'static str,
    /// "Did you mean" for a filter value nobody uses.
    pub(crate) value_unknown: &'static str,
    /// The link to a refused search with the values meant.
    pub(crate) search_corrected: &'static str,
}

const EN: Words = Words {
    showing_results_for: "Showing results for",
    search_instead_for: "search instead for",
    also_searched: "Also searched:",
    filters_button: "Filters",
    close_filters: "Close filters",
    show_more: "Show {n} more",
    past_last_page: "There are only {n} pages of results.",
    past_last_page_one: "There is only one page of results.",
    go_to_page: "Go to page {n}",
    suggestions: "Suggestions",
    suggestions_open: "{n} suggestions; use the up and down arrows to choose",
    suggestion_title: "Write-up",
    suggestion_tag: "Tag",
    help_link: "Help with searching",
    value_unknown: "No write-up you may read has {facet} “{value}”.",
    search_corrected: "Search with the values meant",
};

const DA: Words = Words {
    showing_results_for: "Viser resultater for",
    search_instead_for: "søg i stedet efter",
    also_searched: "Søgte også efter:",
    filters_button: "Filtre",
    close_filters: "Luk filtre",
    show_more: "Vis {n} mere",
    past_last_page: "Der er kun {n} sider med resultater.",
    past_last_page_one: "Der er kun én side med resultater.",
    go_to_page: "Gå til side {n}",
    suggestions: "Forslag",
    suggestions_open: "{n} forslag; brug pil op og ned for at vælge",
    suggestion_title: "Erfaring",
    suggestion_tag: "Emne",
    help_link: "Hjælp til søgning",
    value_unknown: "Ingen erfaring, du kan læse, har {facet} “{value}”.",
    search_corrected: "Søg med de mente værdier",
};

/// The words in `lang`.
pub(crate) fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::En => &EN,
        Lang::Da => &DA,
    }
}
