//! What a member follows (practices and tags), as News for you and the Account page both
//! show it with the forms that change it (`templates/follows.html`). The choice itself is
//! stored by `erfa_accounts`; `/news/follow` changes it.

use erfa_accounts::FollowKind;

use crate::error::AppError;
use crate::i18n::Lang;
use crate::page::Ctx;

/// The section's text.
#[derive(Debug)]
pub(crate) struct Words {
    pub(crate) follows_heading: &'static str,
    pub(crate) follows_none: &'static str,
    pub(crate) practice: &'static str,
    pub(crate) tag: &'static str,
    pub(crate) unfollow: &'static str,
    pub(crate) follows_text: &'static str,
    pub(crate) follow_practice: &'static str,
    pub(crate) follow_practice_submit: &'static str,
    pub(crate) follow_tag: &'static str,
    pub(crate) follow_tag_submit: &'static str,
}

const EN: Words = Words {
    follows_heading: "What you follow",
    follows_none: "You follow nothing yet.",
    practice: "Practice",
    tag: "Tag",
    unfollow: "Stop following",
    follows_text: "New write-ups and questions in what you follow come to News for you (and by mail, if you chose so).",
    follow_practice: "Practice",
    follow_practice_submit: "Follow the practice",
    follow_tag: "Tag (e.g. cab)",
    follow_tag_submit: "Follow the tag",
};

const DA: Words = Words {
    follows_heading: "Det følger du",
    follows_none: "Du følger ikke noget endnu.",
    practice: "Praksis",
    tag: "Tag",
    unfollow: "Stop med at følge",
    follows_text: "Nye erfaringer og spørgsmål i det, du følger, kommer i Nyt til dig (og på mail, hvis du har valgt det).",
    follow_practice: "Praksis",
    follow_practice_submit: "Følg praksissen",
    follow_tag: "Tag (fx cab)",
    follow_tag_submit: "Følg tagget",
};

/// What one follows and the forms to change it.
pub(crate) struct FollowsSection {
    pub(crate) w: &'static Words,
    /// (kind's label, kind, target as stored, target as people read it).
    pub(crate) follows: Vec<(&'static str, String, String, String)>,
    /// Every practice not followed yet: (slug, name).
    pub(crate) practices: Vec<(&'static str, String)>,
    /// Where the forms lead back to: `news` or `account`.
    pub(crate) back: &'static str,
}

impl FollowsSection {
    /// The section for `follows`, in `lang`, whose forms lead back to `back`.
    pub(crate) fn new(lang: Lang, follows: Vec<(FollowKind, String)>, back: &'static str) -> Self {
        let w = match lang {
            Lang::En => &EN,
            Lang::Da => &DA,
        };
        let practices = erfa_index::vocab::PRACTICES
            .iter()
            .filter(|p| {
                !follows
                    .iter()
                    .any(|(k, t)| *k == FollowKind::Practice && t == *p)
            })
            .map(|p| (*p, crate::i18n::practice_name(p)))
            .collect();
        FollowsSection {
            w,
            follows: follows
                .into_iter()
                .map(|(kind, target)| {
                    let (label, shown) = match kind {
                        FollowKind::Practice => (w.practice, crate::i18n::practice_name(&target)),
                        FollowKind::Tag => (w.tag, target.clone()),
                    };
                    (label, kind.as_str().to_string(), target, shown)
                })
                .collect(),
            practices,
            back,
        }
    }

    /// The viewer's section, leading back to `back`; none without an account.
    pub(crate) async fn of_viewer(ctx: &Ctx, back: &'static str) -> Result<Option<Self>, AppError> {
        let me = match ctx.viewer.user.as_ref() {
            Some(user) if user.id != erfa_accounts::NO_ACCOUNT => user.id,
            _ => return Ok(None),
        };
        let follows = ctx
            .state
            .blocking(move |s| Ok(s.accounts()?.follows(me)?))
            .await?;
        Ok(Some(FollowsSection::new(ctx.lang, follows, back)))
    }
}
