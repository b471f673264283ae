#!/usr/bin/env bash
# The Dockerfile's steps on this machine, without a container engine (CI has none): a clean build context
# (the working tree less what .dockerignore leaves out), the build stage's RUN lines as they are written,
# the runtime stage's tree, then the hub started as `docker run` would start it (ENTRYPOINT and CMD, its ENV,
# WORKDIR and USER, the repository's config/ as the mounted config directory), with the checks a user would
# make. deploy/dockerfile.mjs does the Docker part; it prints each step and writes DIR/report.json.
#
#   deploy/build.sh [DIR]   DIR keeps the context, both stages' trees, hub.log and report.json;
#                           without it a temporary directory is used and removed at the end
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# the config volume is made read-only, as a `:ro` mount: writable again before it is removed
remove() { [ ! -e "$1" ] || { chmod -R u+w "$1" && rm -rf "$1"; }; }
if [ $# -gt 0 ]; then
  work="$1"
  if [ -d "$work" ] && [ -n "$(ls -A "$work")" ] && [ ! -f "$work/report.json" ]; then
    echo "deploy/build.sh: $work is not empty and holds no report.json: give a new or empty directory" >&2
    exit 2
  fi
  remove "$work"
else
  work="$(mktemp -d)"
  trap 'remove "$work"' EXIT
fi
node "$repo/deploy/dockerfile.mjs" build "$repo" "$work"
