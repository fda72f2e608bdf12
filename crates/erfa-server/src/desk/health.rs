//! Content health: broken write-ups, stale ones, coverage of the practices.

use super::*;

use erfa_index::health::{self, Item, MissingSection, StaleReason};

struct Problem {
    slug: String,
    title: String,
    indexed: bool,
    what: String,
}

impl Problem {
    fn new(item: &Item, what: String) -> Problem {
        Problem {
            slug: item.slug.clone(),
            title: item.title.clone(),
            indexed: true,
            what,
        }
    }
}

/// Two write-ups with nearly the same text.
struct NearView {
    first: Problem,
    later: Problem,
    /// Similarity in whole per cent.
    percent: u32,
}

struct CoverageView {
    name: String,
    count: usize,
}

/// What content health shows.
struct Health {
    errors: Vec<String>,
    warnings: Vec<String>,
    dropped: Vec<Problem>,
    watching: bool,
    stale: Vec<Problem>,
    missing: Vec<Problem>,
    broken: Vec<Problem>,
    near: Vec<NearView>,
    coverage: Vec<CoverageView>,
    review_age_days: u32,
}

#[derive(Template)]
#[template(path = "admin_health.html")]
struct HealthTemplate {
    layout: Layout,
    h: Health,
}

/// Looks at the whole collection: `erfa check`'s diagnostics, what the index left out,
/// and content health's report (`erfa_index::health`). Blocking.
fn content_health(s: &AppState, t: &'static Strings) -> Result<Health, AppError> {
    let survey = survey(&s.config.content_dir)?;
    let (errors, warnings) = diagnostics(&survey);
    let rules = health::Rules {
        today: Date::today(),
        review_age_days: s.config.review_age_days,
    };
    let report = health::health(survey.docs(), &rules);
    let stale = report.stale.iter().map(|x| {
        let reason = match x.reason {
            StaleReason::ReviewAfterPassed => t.desk_review_after_passed,
            StaleReason::OldNotValidated => t.desk_old_not_validated,
        };
        Problem::new(&x.item, format!("{reason} {}", x.date))
    });
    let missing = report.missing.iter().map(|x| {
        let what = match x.section {
            MissingSection::LessonAndMistake => t.desk_no_lesson_or_mistake,
            MissingSection::Lesson => t.desk_no_lesson,
            MissingSection::Mistake => t.desk_no_mistake,
        };
        Problem::new(&x.item, what.to_string())
    });
    let broken = report.broken.iter().map(|x| {
        let what = format!("{}: {}", x.field, x.target);
        Problem::new(&x.item, what)
    });
    let near = report.near_duplicates.iter().map(|x| NearView {
        first: Problem::new(&x.first, String::new()),
        later: Problem::new(&x.later, String::new()),
        percent: (x.similarity * 100.0).floor() as u32,
    });
    let mut coverage: Vec<CoverageView> = report
        .coverage
        .iter()
        .map(|c| CoverageView {
            name: i18n::practice_name(c.practice),
            count: c.published,
        })
        .collect();
    coverage.sort_by(|a, b| (a.count, &a.name).cmp(&(b.count, &b.name)));
    Ok(Health {
        errors,
        warnings,
        dropped: dropped(s, &survey, t),
        watching: s.watch.is_some(),
        stale: stale.collect(),
        missing: missing.collect(),
        broken: broken.collect(),
        near: near.collect(),
        coverage,
        review_age_days: s.config.review_age_days,
    })
}

/// Every error and every warning of the folder, as `erfa check` prints them.
fn diagnostics(survey: &Survey) -> (Vec<String>, Vec<String>) {
    let all = survey
        .other
        .iter()
        .chain(survey.entries.iter().flat_map(|e| &e.diagnostics));
    let (errors, warnings): (Vec<&Diagnostic>, Vec<&Diagnostic>) = all.partition(|d| d.is_error());
    let lines = |ds: Vec<&Diagnostic>| ds.into_iter().map(ToString::to_string).collect();
    (lines(errors), lines(warnings))
}

/// Left out of the index: the watcher knows what it dropped; without one, the files with
/// errors are what a rebuild would leave out.
fn dropped(s: &AppState, survey: &Survey, t: &'static Strings) -> Vec<Problem> {
    let invalid: BTreeMap<String, Vec<Diagnostic>> = match &s.watch {
        Some(w) => w.status().invalid,
        None => survey
            .entries
            .iter()
            .filter(|e| e.doc.is_none())
            .map(|e| (e.path.clone(), e.diagnostics.clone()))
            .collect(),
    };
    let mut dropped = Vec::new();
    for (path, diagnostics) in &invalid {
        let entry = survey.entries.iter().find(|e| &e.path == path);
        let published = entry.is_none_or(|e| e.status() == "published");
        let first = diagnostics
            .iter()
            .find(|d| d.is_error())
            .map(ToString::to_string)
            .unwrap_or_default();
        dropped.push(Problem {
            slug: entry.map(|e| e.slug.clone()).unwrap_or_default(),
            title: entry.map_or_else(|| path.clone(), Entry::title),
            indexed: false,
            what: if published {
                format!("{} {first}", t.desk_dropped_published)
            } else {
                first
            },
        });
    }
    dropped
}

pub(super) async fn health(ctx: Ctx) -> Result<Response, AppError> {
    let t = ctx.lang.t();
    let h = blocking(&ctx.state, move |s| content_health(s, t)).await?;
    let template = HealthTemplate {
        layout: desk_layout(&ctx, t.desk_health),
        h,
    };
    render(&template, StatusCode::OK)
}
