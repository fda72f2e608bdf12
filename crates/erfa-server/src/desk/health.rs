//! Content health: broken write-ups, stale ones, coverage of the practices.

use super::*;

struct Problem {
    slug: String,
    title: String,
    indexed: bool,
    what: String,
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
    near: Vec<String>,
    coverage: Vec<CoverageView>,
    review_age_days: u32,
}

#[derive(Template)]
#[template(path = "admin_health.html")]
struct HealthTemplate {
    layout: Layout,
    h: Health,
}

/// Looks at the whole collection. Blocking.
fn content_health(s: &AppState, t: &'static Strings) -> Result<Health, AppError> {
    let survey = survey(&s.config.content_dir)?;
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for d in survey
        .other
        .iter()
        .chain(survey.entries.iter().flat_map(|e| e.diagnostics.iter()))
    {
        if d.is_error() {
            errors.push(d.to_string());
        } else {
            warnings.push(d.to_string());
        }
    }
    // Left out of the index: the watcher knows what it dropped; without one, the
    // files with errors are what a rebuild would leave out.
    let mut dropped = Vec::new();
    let invalid: BTreeMap<String, Vec<Diagnostic>> = match &s.watch {
        Some(w) => w.status().invalid,
        None => survey
            .entries
            .iter()
            .filter(|e| e.doc.is_none())
            .map(|e| (e.path.clone(), e.diagnostics.clone()))
            .collect(),
    };
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
    let today = Date::today();
    let age = s.config.review_age_days;
    let mut stale = Vec::new();
    let mut missing = Vec::new();
    let mut broken = Vec::new();
    let mut known: BTreeSet<&str> = survey.docs().map(|d| d.slug.as_str()).collect();
    for d in survey.docs() {
        for alias in &d.front.aliases {
            known.insert(alias.as_str());
        }
    }
    let problem = |d: &Document, what: String| Problem {
        slug: d.slug.clone(),
        title: d.front.title.clone(),
        indexed: true,
        what,
    };
    for d in survey.docs() {
        if d.front.status == Status::Published {
            if let Some(after) = d.front.review_after
                && after < today
            {
                stale.push(problem(
                    d,
                    format!("{} {after}", t.desk_review_after_passed),
                ));
            } else if d.front.confidence != Some(Confidence::Validated)
                && let Some(date) = d.front.date
                && today.ordinal().saturating_sub(date.ordinal()) > age
            {
                stale.push(problem(d, format!("{} {date}", t.desk_old_not_validated)));
            }
        }
        let has = |s: Section| d.sections.get(s).is_some();
        if !has(Section::Lesson) && !has(Section::Mistake) {
            missing.push(problem(d, t.desk_no_lesson_or_mistake.to_string()));
        } else if d.front.kind == vocab::Kind::Lesson && !has(Section::Lesson) {
            missing.push(problem(d, t.desk_no_lesson.to_string()));
        } else if d.front.kind == vocab::Kind::Mistake && !has(Section::Mistake) {
            missing.push(problem(d, t.desk_no_mistake.to_string()));
        }
        let mut targets: Vec<(&str, &String)> = Vec::new();
        targets.extend(d.front.related.iter().map(|s| ("related", s)));
        targets.extend(d.front.supersedes.iter().map(|s| ("supersedes", s)));
        targets.extend(d.front.duplicate_of.iter().map(|s| ("duplicate_of", s)));
        targets.extend(d.front.translation_of.iter().map(|s| ("translation_of", s)));
        for (field, target) in targets {
            if !known.contains(target.trim_matches('/')) {
                broken.push(problem(d, format!("{field}: {target}")));
            }
        }
    }
    let mut counts: BTreeMap<&str, usize> = vocab::PRACTICES.iter().map(|p| (*p, 0)).collect();
    for d in survey
        .docs()
        .filter(|d| d.front.status == Status::Published)
    {
        for p in &d.front.practices {
            if let Some(n) = counts.get_mut(p.as_str()) {
                *n += 1;
            }
        }
    }
    let mut coverage: Vec<CoverageView> = counts
        .into_iter()
        .map(|(p, count)| CoverageView {
            name: i18n::practice_name(p),
            count,
        })
        .collect();
    coverage.sort_by(|a, b| (a.count, &a.name).cmp(&(b.count, &b.name)));
    let near = survey
        .near_duplicates
        .iter()
        .map(ToString::to_string)
        .collect();
    Ok(Health {
        errors,
        warnings,
        dropped,
        watching: s.watch.is_some(),
        stale,
        missing,
        broken,
        near,
        coverage,
        review_age_days: age,
    })
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
