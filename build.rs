// Migrations and templates are compiled into the binary; rebuild when they change. The git
// commit is compiled in too (`undersigned --version`, `config::COMMIT`).
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=static");
    println!("cargo:rustc-env=UNDERSIGNED_COMMIT={}", commit());
}

/// `UNDERSIGNED_BUILD_COMMIT` when the builder says (a container build has no `.git`), else
/// `git rev-parse --short HEAD`, else "unknown" (a source tarball, no git installed).
fn commit() -> String {
    println!("cargo:rerun-if-env-changed=UNDERSIGNED_BUILD_COMMIT");
    if let Ok(given) = std::env::var("UNDERSIGNED_BUILD_COMMIT")
        && !given.trim().is_empty()
    {
        return given.trim().to_owned();
    }
    let Some(commit) = git(&["rev-parse", "--short", "HEAD"]) else {
        return "unknown".to_owned();
    };
    watch_head();
    commit
}

/// Reruns this script when HEAD moves (a commit, a checkout, a reset), and only then: the
/// files git rewrites when it does. In a worktree HEAD and its reflog live in the worktree's
/// git directory and the branch in the common one. Only files that exist are named, since
/// cargo takes a missing one as changed on every build.
fn watch_head() {
    let (Some(git_dir), Some(common_dir)) = (
        git(&["rev-parse", "--absolute-git-dir"]),
        git(&["rev-parse", "--git-common-dir"]).map(|dir| absolute(&dir)),
    ) else {
        return;
    };
    let git_dir = PathBuf::from(git_dir);
    let mut watched = vec![
        git_dir.join("HEAD"),
        git_dir.join("logs/HEAD"),
        common_dir.join("packed-refs"),
    ];
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        watched.push(common_dir.join(branch));
    }
    for path in watched.into_iter().filter(|path| path.is_file()) {
        println!("cargo:rerun-if-changed={}", path.display());
    }
}

/// `--git-common-dir` may answer relative to the current directory.
fn absolute(dir: &str) -> PathBuf {
    let path = Path::new(dir);
    if path.is_absolute() {
        path.to_owned()
    } else {
        std::env::current_dir()
            .map(|current| current.join(path))
            .unwrap_or_else(|_| path.to_owned())
    }
}

/// What `git ARGS` printed, trimmed, when it succeeded.
fn git(args: &[&str]) -> Option<String> {
    let output = Command::new("git").args(args).output().ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    (output.status.success() && !text.trim().is_empty()).then(|| text.trim().to_owned())
}
