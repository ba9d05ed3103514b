#!/usr/bin/env bash
# Benchmark: bulletin (embedded Typst) against typst-cli, in one sitting, on 第034期.
#
#   (a) time of `bulletin build 034` (release binary; load, validate, render, compile, write) against
#       `typst compile` of the generated output/034/第034期.typ with the same fonts and settings;
#   (b) peak memory (maximum resident set size, /usr/bin/time -v) of both;
#   (c) one rebuild in watch mode after an edit: `typst watch` of the .typ against `bulletin watch 034`
#       with the title edited in issue.yaml (the time each reports, and the latency from the edit to
#       the new PDF). issue.yaml is restored afterwards.
#
# Prints the numbers and the ratios bulletin / typst (targets: (a) ≤ 1.0, (b) ≤ 1.2).
# Needs: a release build (this script runs `cargo build --release`), typst of the embedded version on
# PATH (`cargo install typst-cli --locked --version 0.15.1`), GNU time (/usr/bin/time), and hyperfine
# if installed (Debian package hyperfine; without it a plain loop of RUNS builds is timed).
#
# Usage: tests/bench/engines.sh            RUNS=20 WATCH_RUNS=10 tests/bench/engines.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$(pwd)"
runs="${RUNS:-20}"
watch_runs="${WATCH_RUNS:-10}"
work="$(mktemp -d)"
watch_pid=""
cleanup() {
    if [ -n "$watch_pid" ]; then kill "$watch_pid" 2>/dev/null || true; fi
    rm -rf "$work" "$root/output/bench"
}
trap cleanup EXIT

typst_version="$(sed -n 's/^pub const TYPST_VERSION: &str = "\(.*\)";$/\1/p' src/compile/mod.rs)"
if [ "$(typst --version 2>/dev/null | awk '{print $2}')" != "$typst_version" ]; then
    echo "需要 typst $typst_version：cargo install typst-cli --locked --version $typst_version" >&2
    exit 1
fi
if [ ! -x /usr/bin/time ]; then
    echo "需要 GNU time（Debian 软件包 time）：apt-get install time" >&2
    exit 1
fi

# BULLETIN=path uses another binary (e.g. a debug build, to try the script; its numbers do not count).
if [ -n "${BULLETIN:-}" ]; then
    bulletin="$(realpath "$BULLETIN")"
else
    cargo build --release --locked --quiet
    bulletin="$root/target/release/bulletin"
fi

# The same fonts, date and root as `bulletin build 034 --no-system-fonts`.
"$bulletin" build 034 --no-system-fonts >/dev/null
typ="output/034/第034期.typ"
created="$(date -u -d 2022-04-04 +%s)"
typst_args=(--root "$root" --font-path "$root/assets/fonts" --ignore-system-fonts
    --ignore-embedded-fonts --creation-timestamp "$created")
bulletin_cmd="$bulletin build 034 --no-system-fonts"
# The same stages without the three fsync'd atomic writes, to show what the writes cost.
check_cmd="$bulletin check 034 --no-system-fonts"
typst_cmd="typst compile ${typst_args[*]} $typ $work/typst.pdf"

# Arithmetic with awk (bash has integers only).
calc() { awk "BEGIN { printf \"%.2f\", $1 }"; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "== (a) one build of 第034期, $runs runs each (seconds)"
if command -v hyperfine >/dev/null; then
    hyperfine --warmup 2 --runs "$runs" --style basic --export-csv "$work/a.csv" \
        -n bulletin "$bulletin_cmd" -n check "$check_cmd" -n typst "$typst_cmd" >&2
    # command,mean,stddev,median,user,system,min,max: the median, as other builds share the machine
    bulletin_s="$(awk -F, '$1 == "bulletin" { print $4 }' "$work/a.csv")"
    check_s="$(awk -F, '$1 == "check" { print $4 }' "$work/a.csv")"
    typst_s="$(awk -F, '$1 == "typst" { print $4 }' "$work/a.csv")"
else
    echo "(hyperfine not installed: timing a plain loop; Debian package hyperfine)" >&2
    time_loop() {
        local start end
        start="$(date +%s.%N)"
        for _ in $(seq "$runs"); do $1 >/dev/null 2>&1; done
        end="$(date +%s.%N)"
        calc "($end - $start) / $runs" # a mean: the loop gives no median
    }
    $bulletin_cmd >/dev/null 2>&1
    $typst_cmd >/dev/null 2>&1
    bulletin_s="$(time_loop "$bulletin_cmd")"
    check_s="$(time_loop "$check_cmd")"
    typst_s="$(time_loop "$typst_cmd")"
fi

echo "== (b) peak memory, maximum resident set size of 5 runs each (median, MiB)"
peak() {
    for _ in 1 2 3 4 5; do
        /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F: '/Maximum resident set size/ { print $2 / 1024 }'
    done | median
}
# shellcheck disable=SC2086
bulletin_mb="$(peak $bulletin_cmd)"
# shellcheck disable=SC2086
typst_mb="$(peak $typst_cmd)"

echo "== (c) rebuild in watch mode after an edit of the title, $watch_runs edits"
mkdir -p output/bench
watched="output/bench/watch.typ"
cp "$typ" "$watched"
typst watch "${typst_args[@]}" "$watched" "$work/watch.pdf" >"$work/watch.log" 2>&1 &
watch_pid=$!
wait_for_change() { # $1: old mtime; waits until the PDF is newer
    for _ in $(seq 3000); do
        if [ -f "$work/watch.pdf" ] && [ "$(date -r "$work/watch.pdf" +%s.%N 2>/dev/null)" != "$1" ]; then return 0; fi
        sleep 0.005
    done
    echo "typst watch wrote no PDF; its output:" >&2
    cat "$work/watch.log" >&2
    exit 1
}
wait_for_change ""
sleep 1
: >"$work/latency"
for i in $(seq "$watch_runs"); do
    before="$(date -r "$work/watch.pdf" +%s.%N)"
    start="$(date +%s.%N)"
    sed "s/检查情况的通报]/检查情况的通报（第${i}次修改）]/" "$typ" >"$watched.tmp"
    mv "$watched.tmp" "$watched"
    wait_for_change "$before"
    end="$(date +%s.%N)"
    calc "$end - $start" >>"$work/latency"
    echo >>"$work/latency"
    sleep 0.5
done
kill "$watch_pid" 2>/dev/null || true
wait "$watch_pid" 2>/dev/null || true
watch_pid=""
# "[11:00:23] compiled with warnings in 12.3 ms" / "in 1.2 s"; the first is the initial compile.
reported="$(sed -n 's/.*compiled [a-z ]* in \([0-9.]*\) *\([mµ]*s\).*/\1 \2/p' "$work/watch.log" | tail -n +2 |
    awk '{ v = $1; if ($2 == "ms") v /= 1000; else if ($2 == "µs") v /= 1e6; print v }' | median)"
latency="$(median <"$work/latency")"

# The same for `bulletin watch 034`: the title edited in issue.yaml, the PDF in output/034/.
pdf="output/034/第034期.pdf"
yaml="content/034/issue.yaml"
cp "$yaml" "$work/issue.yaml.orig"
restore() { cp "$work/issue.yaml.orig" "$root/$yaml"; }
trap 'restore; cleanup' EXIT
"$bulletin" watch 034 --no-system-fonts >"$work/bwatch.log" 2>&1 &
watch_pid=$!
wait_for_pdf() { # $1: old mtime
    for _ in $(seq 3000); do
        if [ "$(date -r "$pdf" +%s.%N 2>/dev/null)" != "$1" ]; then return 0; fi
        sleep 0.005
    done
    echo "bulletin watch wrote no PDF; its output:" >&2
    cat "$work/bwatch.log" >&2
    exit 1
}
sleep 2
: >"$work/blatency"
for i in $(seq "$watch_runs"); do
    before="$(date -r "$pdf" +%s.%N)"
    start="$(date +%s.%N)"
    sed "s/检查情况的通报$/检查情况的通报（第${i}次修改）/" "$work/issue.yaml.orig" >"$yaml.tmp"
    mv "$yaml.tmp" "$yaml"
    wait_for_pdf "$before"
    end="$(date +%s.%N)"
    calc "$end - $start" >>"$work/blatency"
    echo >>"$work/blatency"
    sleep 0.5
done
kill -INT "$watch_pid" 2>/dev/null || true
wait "$watch_pid" 2>/dev/null || true
watch_pid=""
restore
# "[10:42:03] 第034期已更新（8 页，0.12 秒）"; the first line is the initial build.
breported="$(sed -n 's/.*已更新（[0-9]* 页，\([0-9.]*\) 秒）.*/\1/p' "$work/bwatch.log" | tail -n +2 | median)"
blatency="$(median <"$work/blatency")"

echo
echo "machine: $(nproc) cores, $(uname -sr); typst $typst_version; $(date -u +%Y-%m-%dT%H:%MZ)"
printf '%-40s %12s %12s %8s\n' "" bulletin typst ratio
printf '%-40s %12s %12s %8s\n' "(a) build 第034期, median (s)" "$(calc "$bulletin_s")" "$(calc "$typst_s")" "$(calc "$bulletin_s / $typst_s")"
printf '%-40s %12s %12s %8s\n' "(a') check (no writes), median (s)" "$(calc "$check_s")" "$(calc "$typst_s")" "$(calc "$check_s / $typst_s")"
printf '%-40s %12s %12s %8s\n' "(b) peak RSS (MiB)" "$(calc "$bulletin_mb")" "$(calc "$typst_mb")" "$(calc "$bulletin_mb / $typst_mb")"
printf '%-40s %12s %12s %8s\n' "(c) watch rebuild, reported (s)" "$(calc "$breported")" "$(calc "$reported")" "$(calc "$breported / $reported")"
printf '%-40s %12s %12s %8s\n' "(c) watch rebuild, edit→PDF (s)" "$(calc "$blatency")" "$(calc "$latency")" "$(calc "$blatency / $latency")"
echo "targets: (a) ratio ≤ 1.0, (b) ratio ≤ 1.2, (c) ratio ≤ 1.0"
