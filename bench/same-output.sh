#!/usr/bin/env bash
# Proves that a change altered no output: builds the bundled sample site and a
# generated benchmark corpus with the brief of git revision REV and with the
# work tree, and compares the two outputs byte for byte.
#
#   bench/same-output.sh [REV] [N]     REV defaults to HEAD, N (articles per
#                                      language of the corpus) to 500
#
# Exit 0 when every file is identical; otherwise prints the differing files.
# Both builds use the work tree's content, themes and locales, so only the
# code differs. Needs git and cargo; takes a few minutes (two release builds).
set -euo pipefail
cd "$(dirname "$0")/.."
rev="${1:-HEAD}"
n="${2:-500}"
repo="$(pwd)"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/brief-same-output.XXXXXX")"
cleanup() {
  git -C "$repo" worktree remove --force "$tmp/base" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

echo "== building $rev and the work tree (release)"
git worktree add --detach "$tmp/base" "$rev" >/dev/null
CARGO_TARGET_DIR="$tmp/target-base" cargo build --release --quiet --manifest-path "$tmp/base/Cargo.toml" --bin brief
cargo build --release --quiet --bin brief --example gen_corpus
base_bin="$tmp/target-base/release/brief"
new_bin="$repo/target/release/brief"

echo "== sites"
mkdir -p "$tmp/sample"
cp -r content themes locales book.toml "$tmp/sample/"
"$repo/target/release/examples/gen_corpus" --articles "$n" --out "$tmp/corpus" >/dev/null
cp -r themes locales "$tmp/corpus/"

status=0
for site in sample corpus; do
  "$base_bin" build --root "$tmp/$site" --output "$tmp/out-base-$site" >/dev/null 2>&1
  "$new_bin" build --root "$tmp/$site" --output "$tmp/out-new-$site" >/dev/null 2>&1
  files=$(find "$tmp/out-new-$site" -type f | wc -l)
  if diff -r -q "$tmp/out-base-$site" "$tmp/out-new-$site" >"$tmp/diff-$site"; then
    echo "$site: identical ($files files)"
  else
    echo "$site: DIFFERENT ($(wc -l <"$tmp/diff-$site") entries)"
    head -20 "$tmp/diff-$site"
    status=1
  fi
done
exit $status
