//! Memory bounds measured in a process of their own, for the test binaries of every crate
//! (each includes this file with `#[path]`).

/// The environment variable that tells a re-invoked test binary which test runs alone.
const ALONE: &str = "ERFA_TEST_ALONE";

/// Memory bounds need a process of their own: the other tests of this binary run in
/// parallel threads and share the resident set. Called first in such a test, this
/// re-runs this binary with only `test` (its full path, e.g. `module::function`) in a
/// fresh process, asserts that it ran and passed, and returns `false`; in that fresh
/// process it returns `true`, and the test goes on to measure. Off Linux, where
/// `/proc/self/status` is missing, it says so loudly and returns `false`.
pub fn alone_in_own_process(test: &str) -> bool {
    if !cfg!(target_os = "linux") {
        eprintln!("\n*** SKIPPED: {test} reads /proc/self/status, which only Linux has ***\n");
        return false;
    }
    if std::env::var(ALONE).is_ok_and(|t| t == test) {
        return true;
    }
    let exe = std::env::current_exe().expect("the test binary");
    let out = std::process::Command::new(exe)
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(ALONE, test)
        .output()
        .expect("the test binary runs again");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("{stderr}");
    assert!(out.status.success(), "{test} alone:\n{stdout}\n{stderr}");
    assert!(
        stdout.contains("1 passed"),
        "{test} ran alone:\n{stdout}\n{stderr}"
    );
    false
}

/// A size from `/proc/self/status` in bytes: `VmRSS` (resident now) or `VmHWM` (the
/// most ever resident).
pub fn memory(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().strip_suffix("kB")?.trim().parse::<u64>().ok())
        .map(|kib| kib * 1024)
        .unwrap_or_else(|| panic!("{field} in /proc/self/status"))
}

/// Sets `VmHWM` back to the resident set now (Linux 4.0 and later), so that the peak
/// read afterwards is the peak of what follows.
pub fn reset_peak() {
    std::fs::write("/proc/self/clear_refs", "5").expect("/proc/self/clear_refs takes 5");
}
