#!/usr/bin/env bash
# Screenshots of the book for a maintainer to look at: every page named (all
# pages if none), in the light and navy themes, 1280 and 390 pixels wide, full
# page height, as PNG files in target/screenshots/ (PAGE-THEME-WIDTH.png).
#
#   book/screenshots.sh [PAGE...]     e.g. book/screenshots.sh ch12 introduction
#   BOOK_THEMES="coal ayu rust" book/screenshots.sh ch12   other themes
#
# A PAGE is a file of book/src without .md, or the start of one (ch12). Needs
# mdbook (`cargo install --locked mdbook --version 0.5.4`), headless Chromium
# (`chromium`, `chromium-browser`, `google-chrome`, or CHROMIUM=PATH) and
# python3.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
out=$root/target/screenshots

chromium=${CHROMIUM:-}
for name in chromium chromium-browser google-chrome google-chrome-stable; do
    [ -n "$chromium" ] && break
    chromium=$(command -v "$name" || true)
done
if [ -z "$chromium" ]; then
    echo "screenshots: no Chromium; install it (Debian: apt-get install chromium;" \
         "macOS: brew install --cask chromium) or set CHROMIUM" >&2
    exit 1
fi
if ! command -v mdbook >/dev/null; then
    echo "screenshots: no mdbook; cargo install --locked mdbook --version 0.5.4" >&2
    exit 1
fi

mdbook build --dest-dir "$out/book" "$root/book" 2>&1 | grep -v INFO || true

pages=()
if [ $# -eq 0 ]; then set -- ""; fi
for wanted in "$@"; do
    found=0
    for file in "$root"/book/src/"$wanted"*.md; do
        [ -e "$file" ] || continue
        name=$(basename "$file" .md)
        [ "$name" = SUMMARY ] && continue
        pages+=("$name")
        found=1
    done
    if [ "$found" -eq 0 ]; then
        echo "screenshots: no page book/src/$wanted*.md" >&2
        exit 1
    fi
done

python3 "$root/book/screenshots.py" "$chromium" "$out/book" "$out" "${pages[@]}"
