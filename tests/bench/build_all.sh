#!/usr/bin/env bash
# Benchmark for `bulletin build --all` (issue 5): N copies of 第034期 (default 50) in a temporary
# project, built once with `build --all` (parallel, fonts loaded once) and once issue by issue (one
# process per issue, as a shell loop would). Prints both wall times and the ratio.
#
#   tests/bench/build_all.sh [N] [BINARY]
#
# BINARY defaults to target/release/bulletin (built with `cargo build --release` if missing).
set -euo pipefail
cd "$(dirname "$0")/../.."
n="${1:-50}"
bin="${2:-target/release/bulletin}"
if [ ! -x "$bin" ]; then cargo build --release --locked; fi
bin="$(realpath "$bin")"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r content templates "$work/"
mkdir -p "$work/assets" && ln -s "$PWD/assets/fonts" "$work/assets/fonts"
rm -rf "$work/content/034"
for i in $(seq 1 "$n"); do
    folder=$(printf '%03d' "$i")
    mkdir -p "$work/content/$folder"
    cp -r content/034/photos "$work/content/$folder/"
    sed -e "s/^number: 34/number: $i/" content/034/issue.yaml > "$work/content/$folder/issue.yaml"
done

now() { date +%s.%N; }
start=$(now)
"$bin" --root "$work" build --all --no-system-fonts > /dev/null
all=$(echo "$(now) - $start" | bc)

rm -rf "$work/output"
start=$(now)
for i in $(seq 1 "$n"); do
    "$bin" --root "$work" build "$(printf '%03d' "$i")" --no-system-fonts > /dev/null
done
one=$(echo "$(now) - $start" | bc)

printf 'issues: %s, binary: %s, cores: %s\n' "$n" "$bin" "$(nproc)"
printf 'build --all:      %6.2f s\n' "$all"
printf 'one by one:       %6.2f s\n' "$one"
printf 'speed-up:         %6.2f x (target: at least 3 x)\n' "$(echo "$one / $all" | bc -l)"
