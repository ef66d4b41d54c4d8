#!/usr/bin/env bash
# A tiny image for container scenarios: Debian's static busybox in an empty root (cached).
set -euo pipefail
. "$(dirname "$0")/env.sh"
export DOCKER_HOST="unix://$MEDIC_DOCKER_SOCK"
tag="medic-busybox:1"
if docker image inspect "$tag" >/dev/null 2>&1; then echo "$tag"; exit 0; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
deb="$MEDIC_CACHE_DIR/busybox-static.deb"
if [ ! -s "$deb" ]; then
  (cd "$work" && apt-get download busybox-static >/dev/null 2>&1) || { apt-get update -qq && (cd "$work" && apt-get download busybox-static >/dev/null); }
  mv "$work"/busybox-static_*.deb "$deb"
fi
dpkg-deb -x "$deb" "$work/x"
mkdir -p "$work/root/bin" "$work/root/tmp" "$work/root/www" "$work/root/etc"
cp "$work/x/bin/busybox" "$work/root/bin/busybox"
for app in sh httpd sleep echo cat dd head tail wget true false kill ls; do ln -s busybox "$work/root/bin/$app"; done
echo 'ok' > "$work/root/www/index.html"
echo 'root:x:0:0:root:/:/bin/sh' > "$work/root/etc/passwd"
tar -C "$work/root" -c . | docker import -c 'CMD ["/bin/sh"]' -c 'ENV PATH=/bin' - "$tag" >/dev/null
echo "$tag"
