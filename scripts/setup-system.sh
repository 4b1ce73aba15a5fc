#!/usr/bin/env bash
# System packages PhysioQuest needs (Debian): Mesa for rendering without a GPU, fonts.
# With --test also what the tests need: PostgreSQL (store tests), Chromium (report check) and
# Xvfb (a real X window for the fullscreen clinic test).
# Idempotent; installs only what is missing.
set -euo pipefail
pkgs=(libgl1-mesa-dri libegl1 libegl-mesa0 libgl1 fonts-dejavu-core)
[ "${1:-}" = "--test" ] && pkgs+=(postgresql chromium xvfb xauth)
missing=()
for p in "${pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
