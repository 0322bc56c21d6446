#!/usr/bin/env bash
# Points every alert's runbook_url at another copy of docs/runbook.md.
#
#   scripts/set-runbook-base.sh URL
#
# The base is the part of each `runbook_url` before `#`; the rule file holds the current one.
# This replaces it, as a plain string, in every file that holds it: the rule file, the expected
# annotations of its unit tests, the generated PrometheusRule of deploy/kubernetes, and the two
# documents that name it (alerts/README.md, docs/runbook.md). The Compose example mounts the rule
# file itself, so it follows. `cargo test --test runbook_urls` then checks that they agree.
# Works on the checkout the script is in, or on ROOT when set.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
cd "${ROOT:-$here/..}"

[ $# -eq 1 ] || die "usage: scripts/set-runbook-base.sh URL (e.g. https://git.example.com/ops/scaleway_exporter/-/blob/main/docs/runbook.md)"
new=$1
case $new in
  *'#'*) die "$new: the base has no '#': the alert's anchor follows it" ;;
  *[[:space:]\'\"]*) die "$new: the base has no spaces or quotes" ;;
  http://* | https://*) ;;
  *) die "$new: the base is an http:// or https:// URL" ;;
esac

rules=alerts/scaleway.rules.yml
# The current base: the first runbook_url of the rule file, up to its `#`.
old=$(sed -n 's/^ *runbook_url: *\([^#]*\)#.*/\1/p' "$rules" | head -n 1)
[ -n "$old" ] || die "no runbook_url in $rules"
if [ "$old" = "$new" ]; then
  echo "the runbook base is already $new"
  exit 0
fi

files=("$rules" alerts/tests/*.yml deploy/kubernetes/prometheusrule.yaml alerts/README.md docs/runbook.md)
for file in "${files[@]}"; do
  [ -f "$file" ] || die "$file is missing"
  text=$(<"$file")
  # Bash's own replacement: the quoted pattern is a plain string, no regex to escape. $(<...)
  # drops the final newline, which printf puts back.
  printf '%s\n' "${text//"$old"/"$new"}" >"$file"
done
echo "runbook base: $old -> $new (${#files[@]} files)"
