# Shared settings for the fleet harness; sourced by the scripts beside it.
# Slow artefacts (the Debian root filesystem, the Docker data root) live outside the repo.
MEDIC_CACHE_DIR="${MEDIC_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/medic}"
MEDIC_DOCKER_DIR="${MEDIC_DOCKER_DIR:-$MEDIC_CACHE_DIR/docker}"
MEDIC_DOCKER_SOCK="${MEDIC_DOCKER_SOCK:-$MEDIC_DOCKER_DIR/docker.sock}"
MEDIC_FLEET_PACKAGES="systemd,systemd-sysv,dbus,openssh-server,sudo,nginx-light,php-fpm,iproute2,procps,ufw,iptables,nftables,curl,ca-certificates,nodejs"
MEDIC_FLEET_BASE="medic-fleet-base:$(printf '%s' "$MEDIC_FLEET_PACKAGES" | sha256sum | cut -c1-12)"
export MEDIC_CACHE_DIR MEDIC_DOCKER_DIR MEDIC_DOCKER_SOCK MEDIC_FLEET_PACKAGES MEDIC_FLEET_BASE
