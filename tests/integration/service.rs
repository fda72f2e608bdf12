//! The systemd units in `dist/systemd/` are valid: `systemd-analyze verify` accepts copies
//! whose `ExecStart` points at the binary just built (verify refuses an executable that
//! does not exist, which the second half shows), and the service unit keeps its
//! hardening.

use std::path::Path;
use std::process::Command;

const UNITS: [&str; 3] = ["erfa.service", "erfa-backup.service", "erfa-backup.timer"];

/// Copies the units into `dir` with `/usr/local/bin/erfa` replaced by `binary`.
fn copy_units(dir: &Path, binary: &str) {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("dist/systemd");
    for unit in UNITS {
        let text = std::fs::read_to_string(source.join(unit)).expect("a unit file");
        std::fs::write(dir.join(unit), text.replace("/usr/local/bin/erfa", binary))
            .expect("copied");
    }
}

fn verify(dir: &Path) -> (bool, String) {
    let output = Command::new("systemd-analyze")
        .current_dir(dir)
        .args(["verify", "--man=no"])
        .args(UNITS.map(|u| format!("./{u}")))
        .output()
        .expect("systemd-analyze runs (Debian's systemd package; .ci/run installs it)");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

#[test]
fn the_systemd_units_verify_and_stay_hardened() {
    let dir = tempfile::tempdir().expect("dir");
    copy_units(dir.path(), env!("CARGO_BIN_EXE_erfa"));
    let (ok, text) = verify(dir.path());
    assert!(ok, "systemd-analyze verify: {text}");
    assert!(!text.contains("Unknown key"), "{text}");
    assert!(!text.contains("Unknown section"), "{text}");

    // verify does look at ExecStart: a binary that is not there fails.
    let missing = tempfile::tempdir().expect("dir");
    copy_units(missing.path(), "/nonexistent/erfa");
    let (ok, text) = verify(missing.path());
    assert!(!ok, "a missing binary must fail verify: {text}");

    let unit = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("dist/systemd/erfa.service"),
    )
    .expect("the unit");
    for line in [
        "User=erfa",
        "ProtectSystem=strict",
        "ReadWritePaths=/srv/erfa/content /srv/erfa/.erfa",
        "NoNewPrivileges=yes",
        "PrivateTmp=yes",
        "Restart=on-failure",
        "KillSignal=SIGTERM",
    ] {
        assert!(unit.lines().any(|l| l == line), "erfa.service lacks {line}");
    }
}
