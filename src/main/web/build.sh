#!/usr/bin/env bash
# Called by the Maven build (generate-resources): installs the pinned npm packages on first use
# and bundles the web app into the directory given as $1.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
node build.mjs "$1"
