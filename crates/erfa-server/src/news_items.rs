//! The items of a member's "News for you", computed when asked from state.db and the
//! index: answers to their questions and in threads they answered, publication of and
//! change requests on their own submissions, decisions on their meeting topics, and new
//! questions and write-ups in the practices and tags they follow. Nothing is stored but
//! the read mark, so every item is checked against what the member may read now: a
//! write-up is looked up with the member's scope (the one check every read by slug
//! passes), hidden questions and answers never appear. The News page, the member's news
//! feed and the count in the header all use this one computation.

use erfa_accounts::{Accounts, Digest, FollowKind, QuestionNewsKind, ReviewNewsKind, TopicState};
use erfa_index::vocab::Visibility;
use erfa_index::{Scope, SearchRequest, Sort};

use crate::access::Rank;
use crate::error::AppError;
use crate::mail::Notice;
use crate::state::AppState;

/// How far back new write-ups in what one follows count as news (days).
pub(crate) const FOLLOWED_WRITEUP_DAYS: i64 = 60;

/// The most items computed (the newest).
pub(crate) const MAX_ITEMS: usize = 100;

/// Why something is in a member's news.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum NewsKind {
    /// Someone answered the member's question.
    AnswerToMine,
    /// Someone else answered in a thread the member answered.
    AnswerWhereIAnswered,
    /// A new question in a practice or tag the member follows.
    FollowedQuestion,
    /// The member's submission was published.
    Published,
    /// The facilitator asked for changes to the member's submission.
    ChangesRequested,
    /// The member's meeting topic is on the agenda.
    TopicAccepted,
    /// The member's meeting topic was not taken up.
    TopicDeclined,
    /// A new write-up in a practice or tag the member follows.
    FollowedWriteup,
}

/// One item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NewsItem {
    /// Why it is news.
    pub(crate) kind: NewsKind,
    /// What it is called (a write-up's, question's or topic's title).
    pub(crate) title: String,
    /// Where it is in erfa (a path).
    pub(crate) href: String,
    /// When it happened (Unix seconds).
    pub(crate) at: i64,
    /// Whether the item is about members-only text (everything but a public write-up).
    pub(crate) members_only: bool,
}

/// Midnight UTC of a `YYYY-MM-DD` date (or the date part of a longer stamp), in Unix
/// seconds.
fn day_start(date: &str) -> Option<i64> {
    let d = erfa_index::Date::parse(date.get(..10)?)?;
    Some(
        crate::clock::days_from_civil(i64::from(d.year), i64::from(d.month), i64::from(d.day))
            * 86_400,
    )
}

/// The news of `account` since `since` (Unix seconds; 0 for all), newest first, at most
/// [`MAX_ITEMS`], for a viewer who reads in `scope`. Blocking.
pub(crate) fn news_for(
    s: &AppState,
    accounts: &Accounts,
    account: i64,
    scope: Scope,
    since: i64,
) -> Result<Vec<NewsItem>, AppError> {
    let mut items: Vec<NewsItem> = Vec::new();
    for q in accounts.question_news(account, since)? {
        items.push(NewsItem {
            kind: match q.kind {
                QuestionNewsKind::AnswerToMine => NewsKind::AnswerToMine,
                QuestionNewsKind::AnswerWhereIAnswered => NewsKind::AnswerWhereIAnswered,
                QuestionNewsKind::Followed => NewsKind::FollowedQuestion,
            },
            title: q.title,
            href: format!("/questions/{}", q.question),
            at: q.at,
            members_only: true,
        });
    }
    for r in accounts.review_news(account, since)? {
        match r.kind {
            // A publication is news while the member may read the write-up now.
            ReviewNewsKind::Published => {
                if let Some(stored) = s.engine.get(&r.writeup, scope)? {
                    items.push(NewsItem {
                        kind: NewsKind::Published,
                        members_only: stored.record.front.visibility != Visibility::Public,
                        title: stored.record.front.title,
                        href: format!("/w/{}", stored.record.slug),
                        at: r.at,
                    });
                }
            }
            // The member's own draft: its title is theirs, and "My write-ups" shows it.
            ReviewNewsKind::ChangesRequested => {
                if let Some(stored) = s.engine.get(&r.writeup, Scope::Facilitator)? {
                    items.push(NewsItem {
                        kind: NewsKind::ChangesRequested,
                        title: stored.record.front.title,
                        href: "/mine".to_string(),
                        at: r.at,
                        members_only: true,
                    });
                }
            }
        }
    }
    for t in accounts.topic_news(account, since)? {
        let kind = match t.state {
            TopicState::Accepted => NewsKind::TopicAccepted,
            TopicState::Declined => NewsKind::TopicDeclined,
            TopicState::Proposed => continue,
        };
        items.push(NewsItem {
            kind,
            title: t.title,
            href: format!("/meetings#topic-{}", t.topic),
            at: t.at,
            members_only: true,
        });
    }
    followed_writeups(s, accounts, account, scope, since, &mut items)?;
    items.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| a.href.cmp(&b.href)));
    // One line per place and kind (the newest: several answers to one question are one
    // line), and a publication of one's own write-up beats "new in what you follow".
    let mut seen = std::collections::HashSet::new();
    items.retain(|i| seen.insert((i.href.clone(), i.kind)));
    let mut own = std::collections::HashSet::new();
    for i in &items {
        if i.kind == NewsKind::Published {
            own.insert(i.href.clone());
        }
    }
    items.retain(|i| !(i.kind == NewsKind::FollowedWriteup && own.contains(&i.href)));
    items.truncate(MAX_ITEMS);
    Ok(items)
}

/// New published write-ups, readable in `scope`, in the practices and tags followed.
fn followed_writeups(
    s: &AppState,
    accounts: &Accounts,
    account: i64,
    scope: Scope,
    since: i64,
    items: &mut Vec<NewsItem>,
) -> Result<(), AppError> {
    let follows = accounts.follows(account)?;
    let window = crate::clock::unix_now() - FOLLOWED_WRITEUP_DAYS * 86_400;
    for (kind, target) in follows {
        let field = match kind {
            FollowKind::Practice => "practices",
            FollowKind::Tag => "tags",
        };
        let mut request = SearchRequest::new("", scope)
            .filter("status", "published")
            .filter(field, &target);
        request.sort = Sort::Newest;
        request.per_page = 20;
        request.facets = false;
        for hit in s.search(&request)?.hits {
            let Some(day) = hit.published.as_deref().or(hit.date.as_deref()) else {
                continue;
            };
            let Some(day) = day_start(day) else {
                continue;
            };
            // Published through the queue: when it happened; else the date it names.
            let at = accounts.published_at(&hit.slug)?.unwrap_or(day).max(day);
            if day < window || at <= since {
                continue;
            }
            // Read again by slug with the same scope: the one check every read passes.
            let Some(stored) = s.engine.get(&hit.slug, scope)? else {
                continue;
            };
            items.push(NewsItem {
                kind: NewsKind::FollowedWriteup,
                members_only: stored.record.front.visibility != Visibility::Public,
                title: stored.record.front.title,
                href: format!("/w/{}", stored.record.slug),
                at,
            });
        }
    }
    Ok(())
}

/// How many items of `account`'s news are unread. Blocking.
pub(crate) fn unread(
    s: &AppState,
    accounts: &Accounts,
    account: i64,
    scope: Scope,
) -> Result<usize, AppError> {
    let read = accounts.news_read_until(account)?;
    Ok(news_for(s, accounts, account, scope, read)?.len())
}

// The news mail round: who gets a news mail, and which fixed lines it lists.

/// One line per kind of news, for the news mail: what happened, never what about.
fn mail_line(kind: NewsKind) -> &'static str {
    match kind {
        NewsKind::AnswerToMine => "There is a new answer to your question in erfa.",
        NewsKind::AnswerWhereIAnswered => "There is a new answer where you answered in erfa.",
        NewsKind::FollowedQuestion => "There is a new question in what you follow in erfa.",
        NewsKind::Published => "A write-up you shared was published in erfa.",
        NewsKind::ChangesRequested => "Changes were requested on a write-up you shared.",
        NewsKind::TopicAccepted | NewsKind::TopicDeclined => {
            "There is a decision on your meeting topic in erfa."
        }
        NewsKind::FollowedWriteup => "There is a new write-up in what you follow in erfa.",
    }
}

/// One news round: queues a news mail to every member whose news is due. Blocking.
pub(crate) fn news_round(s: &AppState) -> Result<usize, AppError> {
    if !s.mailer.on() {
        return Ok(0);
    }
    let accounts = s.accounts()?;
    let now = crate::clock::unix_now();
    let mut sent = 0;
    for user in accounts.users()? {
        let Some(email) = accounts.email(user.id)? else {
            continue;
        };
        if !email.verified || user.locked || email.digest == Digest::None {
            continue;
        }
        if email.digest == Digest::Daily && now - email.last_sent < 86_400 {
            continue;
        }
        let since = accounts.news_read_until(user.id)?.max(email.last_sent);
        let scope = Rank::from(user.role).scope();
        // Change requests have a mail of their own, at once.
        let lines: Vec<&'static str> = news_for(s, &accounts, user.id, scope, since)?
            .into_iter()
            .map(|i| i.kind)
            .filter(|k| *k != NewsKind::ChangesRequested)
            .map(mail_line)
            .collect();
        if lines.is_empty() {
            continue;
        }
        // Kept first: a restart after this never sends the same news again.
        accounts.email_sent(user.id, now)?;
        if s.mailer
            .send(&email.address, Notice::News, &s.link("/news"), &lines)
        {
            sent += 1;
        }
    }
    Ok(sent)
}

/// Runs [`news_round`] every `mail_every_secs` while the server runs (with an SMTP
/// server only; inside a Tokio runtime only).
pub(crate) fn start_rounds(state: &AppState) {
    if !state.mailer.on() || state.accounts.is_none() {
        return;
    }
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    let state = state.clone();
    let every = std::time::Duration::from_secs(state.config.mail_every_secs.max(1));
    runtime.spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let round = state.blocking(news_round).await;
            if let Err(e) = round {
                tracing::error!("news mail round: {e:?}");
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_become_midnight_utc() {
        assert_eq!(day_start("1970-01-01"), Some(0));
        assert_eq!(day_start("2024-03-01"), Some(1_709_251_200));
        assert_eq!(day_start("2026-12-05"), Some(1_796_428_800));
        assert_eq!(day_start("2026-13-05"), None);
        assert_eq!(day_start("soon"), None);
    }
}
