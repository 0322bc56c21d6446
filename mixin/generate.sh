#!/usr/bin/env bash
# Writes every file generated from the monitoring mixin (mixin/generate.jsonnet lists them:
# the rule file, the PrometheusRule, the dashboards) under OUT, the repository's root by default.
#
#   mixin/generate.sh [OUT]
#
# Needs jsonnet (Debian package jsonnet). `cargo test --test repository mixin::` generates them into a
# temporary folder and fails on any difference with the files checked in.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/..}
command -v jsonnet >/dev/null || { echo "mixin/generate.sh: needs jsonnet (apt-get install jsonnet)" >&2; exit 1; }
# jsonnet -m does not make folders.
jsonnet -S -e 'std.join("\n", std.objectFields(import "generate.jsonnet"))' -J "$here" \
  | while read -r path; do mkdir -p "$out/$(dirname "$path")"; done
jsonnet -S -m "$out" -J "$here" "$here/generate.jsonnet" >/dev/null
