#!/usr/bin/env bash
# Build (once, cached) the fleet-host base image: Debian bookworm with real systemd,
# sshd, nginx, php-fpm, firewall tools and node. Takes a few minutes the first time.
set -euo pipefail
. "$(dirname "$0")/env.sh"
export DOCKER_HOST="unix://$MEDIC_DOCKER_SOCK"
if docker image inspect "$MEDIC_FLEET_BASE" >/dev/null 2>&1; then
  echo "$MEDIC_FLEET_BASE (cached)"; exit 0
fi
tarball="$MEDIC_CACHE_DIR/${MEDIC_FLEET_BASE/:/-}.tar"
if [ ! -s "$tarball" ]; then
  # The mirror is whatever this machine's apt is configured with.
  mirror=$( (cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null || true) \
    | grep -E '^(URIs:|deb )' | grep -v security | head -1 | sed -E 's/^URIs: *//; s/^deb (\[[^]]*\] )?//; s/ .*//')
  [ -n "$mirror" ] || { echo "no Debian mirror found in the apt sources" >&2; exit 1; }
  rootfs=$(mktemp -d "$MEDIC_CACHE_DIR/rootfs.XXXXXX")
  debootstrap --variant=minbase --include="$MEDIC_FLEET_PACKAGES" bookworm "$rootfs" "$mirror" \
    >"$MEDIC_CACHE_DIR/debootstrap.log" 2>&1 || { tail -30 "$MEDIC_CACHE_DIR/debootstrap.log" >&2; exit 1; }
  rm -rf "$rootfs/var/cache/apt/archives/"*.deb "$rootfs/var/lib/apt/lists/"*
  tar -C "$rootfs" -cf "$tarball.part" . && mv "$tarball.part" "$tarball"
  rm -rf "$rootfs"
fi
docker import -c 'CMD ["/sbin/init"]' "$tarball" "$MEDIC_FLEET_BASE" >/dev/null
echo "$MEDIC_FLEET_BASE"
