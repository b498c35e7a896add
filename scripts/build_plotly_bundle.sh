#!/usr/bin/env bash
# Rebuild audit_lib/data/js/plotly-audit.min.js: plotly.js 4.1.1 (the version plotly.py ships) with only
# the trace types the reports draw, bundled and minified by esbuild 0.28.2. Versions are pinned by
# scripts/plotly-bundle/package-lock.json (`npm ci` installs exactly those). Needs node >= 18 and npm.
# Run from anywhere: scripts/build_plotly_bundle.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
out="$root/audit_lib/data/js/plotly-audit.min.js"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/plotly-bundle/package.json" "$here/plotly-bundle/package-lock.json" "$here/plotly-bundle/entry.js" "$work/"
cd "$work"
npm ci --no-audit --no-fund --loglevel=error
# plotly.js and its dependencies read `global` (node), which a browser calls `window` (as in plotly.js's own
# esbuild config); the CSS esbuild emits beside the bundle belongs to map traces, which this bundle leaves out
./node_modules/.bin/esbuild entry.js --bundle --minify --format=iife --global-name=Plotly \
  --define:global=window --legal-comments=eof --log-level=warning --outfile="$work/plotly-audit.min.js"
version="$(node -p "require('./node_modules/plotly.js/package.json').version")"
test "$version" = "4.1.1"
cp "$work/plotly-audit.min.js" "$out"
echo "wrote $out ($(wc -c <"$out") bytes, plotly.js $version, sha256 $(sha256sum "$out" | cut -c1-16))"
