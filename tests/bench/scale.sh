#!/usr/bin/env bash
# Scale benchmark (tracker issue 14): a decade of issues and more. Generates N issues (default:
# 10, 100 and 1000; each a few paragraphs and a table, no photos; 50 issues a year from 2000) in a
# temporary project and measures, with GNU time, the wall time and peak memory of
#   bulletin check            (every issue laid out, nothing written)
#   bulletin build --all      (every issue built, in parallel)
#   bulletin volume 2000      (the first year's issues bound, all N issues read to find them)
# and the time per issue (per bound issue for the volume), which must stay flat (within 1.5× from 10 to 1000 issues), and the peak
# memory of build --all, which must stay under 1 GiB at 1000 issues.
#
#   tests/bench/scale.sh [BINARY] [N ...]
#
# BINARY defaults to target/release/bulletin (built with `cargo build --release` if missing).
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="${1:-target/release/bulletin}"
shift || true
counts=("$@")
if [ ${#counts[@]} -eq 0 ]; then counts=(10 100 1000); fi
if [ ! -x "$bin" ]; then cargo build --release --locked; fi
bin="$(realpath "$bin")"
if [ ! -x /usr/bin/time ]; then
    echo "needs GNU time (Debian package time)" >&2
    exit 1
fi

issue() { # number year month day
    cat <<YAML
number: $1
date: $2-$(printf '%02d' "$3")-$(printf '%02d' "$4")
articles:
  - title: 党委办公室关于第$1期党建工作情况的通报
    lead:
      - |
        为深入推进学院基层党建工作，进一步夯实党建工作基础，提升党建工作水平，根据党委工作计划安排，
        党委办公室对学院基层党组织开展了党建工作检查，现将检查情况通报如下。
    sections:
      - heading: 检查方式
        body:
          - 本次检查由党委办公室牵头组成检查组，对所属党支部分别采取“听汇报、查笔记、看资料、核工作”等方式进行。
      - heading: 检查情况
        body:
          - |
            各支部高度重视这次检查工作，根据检查安排，提前把检查资料收齐，认真配合检查。
            大多数支部都能把党建常规管理、思想教育、品牌创建等工作纳入到支部党建工作计划中。
          - table:
              header: [序号, 存在问题, 整改措施, 整改时限]
              rows:
                - [1, 学习记录不完整, [补齐学习记录, 每月检查一次], 2022年7月]
                - [2, 资料归档不及时, [一周内归档, 指定专人负责], 2022年6月]
YAML
}

measure() { # command...: prints "seconds peak-MiB"
    local out
    out="$(mktemp)"
    /usr/bin/time -f '%e %M %x' -o "$out" "$@" > /dev/null 2>&1 || true
    # GNU time's last line is ours; a command that failed measured nothing worth reporting.
    tail -1 "$out" | awk '$3 != 0 { print "failed: exit " $3 > "/dev/stderr"; exit 1 }
                          { printf "%s %.0f\n", $1, $2 / 1024 }'
    rm -f "$out"
}

printf '%-8s %-10s %10s %12s %12s\n' issues command seconds "ms/issue" "peak MiB"
for n in "${counts[@]}"; do
    work="$(mktemp -d)"
    mkdir -p "$work/content" "$work/assets"
    cp content/bulletin.yaml "$work/content/"
    cp -r templates "$work/"
    ln -s "$PWD/assets/fonts" "$work/assets/fonts"
    for i in $(seq 1 "$n"); do
        folder=$(printf '%03d' "$i")
        mkdir -p "$work/content/$folder"
        year=$((2000 + (i - 1) / 50))
        slot=$(( (i - 1) % 50 ))
        issue "$i" "$year" $((slot / 5 + 1)) $((slot % 5 * 5 + 1)) > "$work/content/$folder/issue.yaml"
    done
    for command in check "build --all" "volume 2000"; do
        # shellcheck disable=SC2086
        read -r seconds mib < <(measure "$bin" --root "$work" $command --no-system-fonts)
        # The volume binds one year's issues (at most 50): its time per issue is per bound issue.
        bound=$n
        if [ "$command" = "volume 2000" ] && [ "$n" -gt 50 ]; then bound=50; fi
        per=$(echo "$seconds * 1000 / $bound" | bc -l)
        printf '%-8s %-10s %10.2f %12.1f %12s\n' "$n" "${command%% *}" "$seconds" "$per" "$mib"
    done
    rm -rf "$work"
done
