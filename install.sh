#!/usr/bin/env bash
# Antrian installer for Debian 12/13, Ubuntu 24.04 and Raspberry Pi OS.
#
#   ./install.sh            system packages + .venv + Antrian (enough to run every program)
#   ./install.sh --dev      the same, plus what the tests need (Xvfb, socat, test libraries)
#   ./install.sh --help     all options
#
# Safe to run again: it installs only what is missing.
set -euo pipefail

cd "$(dirname "$(readlink -f "$0")")"
PROJECT_DIR=$(pwd)
VENV="$PROJECT_DIR/.venv"
DEV=0
SYSTEM=1

# Qt (widgets, offscreen and xcb), QtMultimedia, voice generation and fonts.
RUNTIME_PACKAGES=(
  libgl1 libegl1 libxkbcommon0 libfontconfig1 libglib2.0-0 libdbus-1-3 libpulse0 libxrandr2
  libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0
  libxcb-render0 libxcb-shape0 libxcb-util1 libxcb-xkb1 libxkbcommon-x11-0
  espeak-ng sox fonts-dejavu-core
)
# What the tests use: a virtual X server for screenshots, a virtual serial port for printers,
# network namespaces for the multi-machine test.
DEV_PACKAGES=(xvfb xauth socat iproute2)

say() { printf '\033[1m[antrian]\033[0m %s\n' "$*"; }
fail() { printf '[antrian] error: %s\n' "$*" >&2; exit 1; }

usage() {
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
  cat <<'EOF'
Options:
  --dev         also install test tools and test libraries
  --no-system   do not install system packages (you install them yourself)
  -h, --help    this help
EOF
}

while [ $# -gt 0 ]; do
  case "$1" in
    --dev) DEV=1 ;;
    --no-system) SYSTEM=0 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; fail "unknown option: $1" ;;
  esac
  shift
done

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else return 1
  fi
}

install_system_packages() {
  local wanted=("${RUNTIME_PACKAGES[@]}")
  [ "$DEV" -eq 1 ] && wanted+=("${DEV_PACKAGES[@]}")
  python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || wanted+=(python3-venv)
  if ! command -v dpkg-query >/dev/null 2>&1; then
    say "not a Debian-like system: install these yourself if missing: ${wanted[*]}"
    return
  fi
  local missing=()
  for package in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$package")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    say "system packages: all present"
    return
  fi
  say "installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq \
    || fail "cannot run apt-get as root: run this script with sudo, or install: ${missing[*]}"
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || fail "apt-get could not install: ${missing[*]}"
}

check_python() {
  command -v python3 >/dev/null 2>&1 || fail "python3 is missing: sudo apt-get install python3"
  python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || fail "Python 3.11 or newer is needed (found $(python3 --version 2>&1))"
}

create_venv() {
  if [ ! -x "$VENV/bin/python" ]; then
    say "creating the virtual environment in .venv"
    python3 -m venv "$VENV" || fail "python3 -m venv failed: sudo apt-get install python3-venv"
  fi
  "$VENV/bin/python" -m pip install --quiet --upgrade pip >/dev/null
  local target="."
  [ "$DEV" -eq 1 ] && target=".[dev]"
  say "installing Antrian into .venv ($target)"
  "$VENV/bin/python" -m pip install --quiet --editable "$target" \
    || fail "pip could not install Antrian (is the package index reachable?)"
}

generate_voice_clips() {
  # Clips ship with Antrian; this only adds missing ones and never overwrites an office's own.
  if command -v espeak-ng >/dev/null 2>&1 \
    && "$VENV/bin/python" -c 'import counter_display.display.voice_clips' >/dev/null 2>&1; then
    "$VENV/bin/python" -m counter_display.display.voice_clips >/dev/null \
      || say "warning: voice clips could not be generated; the display uses the shipped ones"
  fi
}

check_python
[ "$SYSTEM" -eq 1 ] && install_system_packages
create_venv
generate_voice_clips
say "done. Start the server with: .venv/bin/antrian-server"
