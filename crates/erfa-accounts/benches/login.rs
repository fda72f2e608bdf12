//! How long a login with a wrong password takes for a known and an unknown name. The two
//! must not differ by more than noise, or the time would tell who has an account
//! (docs/SECURITY.md). Run: `cargo bench -p erfa-accounts --bench login`.

use std::time::{Duration, Instant};

use erfa_accounts::{Accounts, Role};

const ROUNDS: usize = 41;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let accounts = Accounts::open(dir.path()).expect("accounts");
    accounts
        .add_user("known", Role::Member, "a long enough password")
        .expect("a user");
    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    // Interleaved, so that a busy moment of the machine hits both alike.
    for i in 0..ROUNDS {
        let unknown_name = format!("unknown{i}");
        for (name, times) in [("known", &mut known), (unknown_name.as_str(), &mut unknown)] {
            let started = Instant::now();
            let user = accounts
                .verify_password(name, "a wrong password")
                .expect("verified");
            times.push(started.elapsed());
            assert!(user.is_none());
        }
    }
    let (k, u) = (median(known), median(unknown));
    let gap = (k.as_secs_f64() - u.as_secs_f64()).abs() / k.as_secs_f64().max(u.as_secs_f64());
    println!(
        "login with a wrong password, median of {ROUNDS}: known name {:.1} ms, unknown name {:.1} ms, gap {:.1} %",
        k.as_secs_f64() * 1e3,
        u.as_secs_f64() * 1e3,
        gap * 100.0
    );
}
