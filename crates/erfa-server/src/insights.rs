//! Recording searches for the facilitator's insights (docs/SECURITY.md).
//!
//! Searches are recorded off the request path: the answer is ready before the search is
//! handed to a bounded queue, one thread writes what is queued in batches (one disk
//! flush for many searches, so the state database stays free for logins), and a full
//! queue drops searches rather than waiting, so insights never make a search fail or wait.

use erfa_accounts::Accounts;

use crate::access::Viewer;
use crate::state::AppState;

/// Searches waiting to be recorded for insights; more are dropped, not waited for.
const INSIGHTS_QUEUE: usize = 1024;
/// Most searches written in one transaction.
const INSIGHTS_BATCH: usize = 256;
/// How long the insights thread gathers searches before it writes them.
const INSIGHTS_GATHER: std::time::Duration = std::time::Duration::from_millis(200);
/// Who made a search, for counting distinct people: signed-in viewers only, by account
/// id (so one member never counts as several). Anonymous searches are not recorded at
/// all, so nobody outside the group can make a query visible in the insights by searching
/// from several browsers (docs/SECURITY.md).
fn session_identity(viewer: &Viewer) -> Option<String> {
    viewer.account_id().map(|id| format!("member:{id}"))
}

/// Records a search for insights, off the request path: never fails, never waits.
pub(crate) fn record_search(state: &AppState, viewer: &Viewer, query: &str, zero: bool) {
    if !state.config.insights || query.trim().is_empty() {
        return;
    }
    let Some(session) = session_identity(viewer) else {
        return;
    };
    let Some(accounts) = state.accounts.clone() else {
        return;
    };
    let sender = state.insights.get_or_init(|| {
        let (sender, receiver) = std::sync::mpsc::sync_channel(INSIGHTS_QUEUE);
        let weeks = state.config.insights_weeks;
        let metrics = state.metrics.clone();
        let started = std::thread::Builder::new()
            .name("erfa-insights".to_string())
            .spawn(move || record_batches(&receiver, &accounts, weeks, &metrics));
        if let Err(e) = started {
            // Without the thread the queue is closed and searches go unrecorded.
            tracing::warn!(cause = %e, "starting the search insights thread failed");
        }
        sender
    });
    let record = erfa_accounts::SearchRecord {
        query: query.to_string(),
        zero,
        session,
    };
    // A full queue drops the record: insights are a sample, searches come first.
    if sender.try_send(record).is_ok() {
        state.metrics.insights_queued();
    }
}

/// The insights thread: writes what is queued, many searches per transaction, until the
/// server's state is dropped.
fn record_batches(
    receiver: &std::sync::mpsc::Receiver<erfa_accounts::SearchRecord>,
    accounts: &Accounts,
    weeks: u32,
    metrics: &crate::metrics::Metrics,
) {
    while let Ok(first) = receiver.recv() {
        // Gather what else comes in the next moment, so a busy server writes (and flushes
        // to disk) once for many searches.
        let until = std::time::Instant::now() + INSIGHTS_GATHER;
        let mut batch = vec![first];
        while batch.len() < INSIGHTS_BATCH {
            let left = until.saturating_duration_since(std::time::Instant::now());
            match receiver.recv_timeout(left) {
                Ok(record) => batch.push(record),
                Err(_) => break,
            }
        }
        metrics.insights_taken(batch.len());
        if let Err(e) = accounts.record_searches(&batch, weeks) {
            // Never the queries: members' searches are confidential.
            tracing::warn!(cause = %e, "recording searches for insights failed");
        }
    }
}
