#!/usr/bin/env bash
# Builds the previous release's binary (the commit named in .ci/previous-release) into
# target/previous-release/undersigned, for the mixed-version test (tests/api/upgrades.rs),
# which finds it through UNDERSIGNED_PREVIOUS_BINARY. Its sources are unpacked under
# target/previous-release/src and built with this checkout's target directory, so every
# dependency already built (or built now, and reused by `cargo test` after) is shared: only
# the old crate itself is compiled. A failure is loud but not fatal here: the test then
# fails, saying the binary is missing (it is marked ignored for a plain `cargo test`).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
commit="$(tr -d '[:space:]' < .ci/previous-release)"
out="$root/target/previous-release"
binary="$out/undersigned"
if [ -x "$binary" ] && [ "$(cat "$out/commit" 2>/dev/null)" = "$commit" ]; then
  echo "previous release $commit: already built at $binary"
  exit 0
fi
# A shallow clone may lack the commit: fetch just that one.
if ! git cat-file -e "$commit^{commit}" 2>/dev/null; then
  git fetch --quiet --depth=1 origin "$commit"
fi
rm -rf "$out/src"
mkdir -p "$out/src"
# An export, not a worktree: nothing is written into the repository's own metadata.
git archive "$commit" | tar -x -C "$out/src"
# Cargo names a package's artifacts by a hash of its name, version and path relative to its
# workspace root: the old tree would hash like this one and overwrite its library in the
# shared target directory. Renamed, the old package hashes apart; its library and binary keep
# their names (`undersigned`), so the old code builds as it was.
sed -i '0,/^name = "undersigned"$/s//name = "undersigned-previous"/' "$out/src/Cargo.toml"
sed -i 's/^name = "undersigned"$/name = "undersigned-previous"/' "$out/src/Cargo.lock"
printf '\n[lib]\nname = "undersigned"\npath = "src/lib.rs"\n\n[[bin]]\nname = "undersigned"\npath = "src/main.rs"\n' \
  >> "$out/src/Cargo.toml"
start=$(date +%s)
# The same target directory and profile, and the features `cargo test` resolves (with the
# dev-dependencies': `cargo build --bin` alone resolves fewer and so builds every dependency
# again): dependencies are shared, and only the old crate and its smallest test target (which
# makes cargo build the binary) are compiled. This replaces target/debug/undersigned with the
# old binary, so it is copied out at once and removed: the next `cargo test` or `cargo
# build` links the current one again without compiling it.
rm -f "$root/target/debug/undersigned"
# Built once, so no incremental state (it would take about as much disk as the build).
CARGO_INCREMENTAL=0 CARGO_TARGET_DIR="$root/target" cargo test --quiet --locked --no-run --test browser \
  --manifest-path "$out/src/Cargo.toml"
cp "$root/target/debug/undersigned" "$binary.tmp"
mv "$binary.tmp" "$binary"
echo "$commit" > "$out/commit"
rm -f "$root/target/debug/undersigned"
echo "previous release $commit built in $(( $(date +%s) - start )) s: $binary"
