//! The feature's interface text in English and Danish.

use crate::i18n::Lang;

/// Every text the News page shows.
#[derive(Debug)]
pub(crate) struct Words {
    pub(crate) title: &'static str,
    pub(crate) intro: &'static str,
    pub(crate) none: &'static str,
    pub(crate) new_mark: &'static str,
    pub(crate) unread_count: &'static str,
    pub(crate) mark_read: &'static str,
    pub(crate) answer_to_mine: &'static str,
    pub(crate) answer_where_i_answered: &'static str,
    pub(crate) followed_question: &'static str,
    pub(crate) published: &'static str,
    pub(crate) changes_requested: &'static str,
    pub(crate) topic_accepted: &'static str,
    pub(crate) topic_declined: &'static str,
    pub(crate) followed_writeup: &'static str,
    pub(crate) feed_title: &'static str,
}

const EN: Words = Words {
    title: "News for you",
    intro: "Answers to your questions and where you answered, what happened to the write-ups you shared and the meeting topics you proposed, and new questions and write-ups in the practices and tags you follow.",
    none: "Nothing new for you yet.",
    new_mark: "New",
    unread_count: "unread",
    mark_read: "Mark all read",
    answer_to_mine: "New answer to your question",
    answer_where_i_answered: "New answer where you answered",
    followed_question: "New question in what you follow",
    published: "Your write-up was published",
    changes_requested: "Changes requested on your write-up",
    topic_accepted: "Your meeting topic is on the agenda",
    topic_declined: "Your meeting topic was not taken up",
    followed_writeup: "New write-up in what you follow",
    feed_title: "erfa: news for you",
};

const DA: Words = Words {
    title: "Nyt til dig",
    intro: "Svar på dine spørgsmål og hvor du har svaret, hvad der skete med de erfaringer, du har delt, og de mødeemner, du har foreslået, og nye spørgsmål og erfaringer i de praksisser og tags, du følger.",
    none: "Intet nyt til dig endnu.",
    new_mark: "Nyt",
    unread_count: "ulæste",
    mark_read: "Markér alt som læst",
    answer_to_mine: "Nyt svar på dit spørgsmål",
    answer_where_i_answered: "Nyt svar hvor du har svaret",
    followed_question: "Nyt spørgsmål i noget, du følger",
    published: "Din erfaring er offentliggjort",
    changes_requested: "Der er bedt om ændringer i din erfaring",
    topic_accepted: "Dit mødeemne er på dagsordenen",
    topic_declined: "Dit mødeemne blev ikke taget op",
    followed_writeup: "Ny erfaring i noget, du følger",
    feed_title: "erfa: nyt til dig",
};

impl Words {
    /// The text in `lang`.
    pub(crate) fn of(lang: Lang) -> &'static Words {
        match lang {
            Lang::En => &EN,
            Lang::Da => &DA,
        }
    }
}
