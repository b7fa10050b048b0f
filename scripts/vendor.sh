#!/usr/bin/env bash
# Refresh the vendored front-end assets from the npm registry at pinned versions.
# Nothing is fetched at run time: intranets have no CDN.
set -euo pipefail
cd "$(dirname "$0")/.."
DEST=jiceng/static/vendor
HTMX=2.0.4
ECHARTS=5.6.0
LEAFLET=1.9.4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
( cd "$tmp" && for p in "htmx.org@$HTMX" "echarts@$ECHARTS" "leaflet@$LEAFLET"; do npm pack --silent "$p" >/dev/null; done
  for f in *.tgz; do mkdir -p "${f%.tgz}"; tar xzf "$f" -C "${f%.tgz}"; done )
rm -rf "$DEST" && mkdir -p "$DEST/htmx" "$DEST/echarts" "$DEST/leaflet"
cp "$tmp/htmx.org-$HTMX/package/dist/htmx.min.js" "$tmp/htmx.org-$HTMX/package/LICENSE" "$DEST/htmx/"
cp "$tmp/echarts-$ECHARTS/package/dist/echarts.min.js" "$tmp/echarts-$ECHARTS/package/LICENSE" "$DEST/echarts/"
cp -r "$tmp/leaflet-$LEAFLET/package/dist/leaflet.js" "$tmp/leaflet-$LEAFLET/package/dist/leaflet.js.map" \
      "$tmp/leaflet-$LEAFLET/package/dist/leaflet.css" \
      "$tmp/leaflet-$LEAFLET/package/dist/images" "$tmp/leaflet-$LEAFLET/package/LICENSE" "$DEST/leaflet/"
printf 'htmx.org %s\necharts %s\nleaflet %s\n' "$HTMX" "$ECHARTS" "$LEAFLET" > "$DEST/VERSIONS"
echo "vendored into $DEST"
