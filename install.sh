#!/usr/bin/env bash
# Antrian installer for Debian 12/13, Ubuntu 24.04 and Raspberry Pi OS.
#
#   ./install.sh              system packages + .venv + Antrian (enough to run every program)
#   ./install.sh --dev        the same, plus what the tests need (Xvfb, socat, Chromium, test libraries)
#   sudo ./install.sh --server             this PC runs the server (systemd service)
#   sudo ./install.sh --server --postgresql   ... with its record in a local PostgreSQL
#   sudo ./install.sh --kiosk              this PC is a ticket kiosk (autostart, printer rule)
#   sudo ./install.sh --counter 2          this PC is the terminal of loket 2
#   sudo ./install.sh --display            this PC drives the waiting-room TV
#   sudo ./install.sh --central            this machine is the city's antrian-central (PostgreSQL)
#   sudo ./install.sh --uninstall          remove services and autostart entries (keeps data)
#
# Roles can be combined (a small office: --server --display on one PC).
# Safe to run again: it installs only what is missing and never overwrites a config.
set -euo pipefail

cd "$(dirname "$(readlink -f "$0")")"
PROJECT_DIR=$(pwd)
VENV="$PROJECT_DIR/.venv"
DEV=0
SYSTEM=1
VENV_SETUP=1
ROLES=()
COUNTER_NUMBER=""
TOKEN=""
SERVER_URL=""
UNINSTALL=0
POSTGRESQL=0
POSTGRESQL_URL="postgresql:///antrian?host=/var/run/postgresql"
ROOT=""            # staging root for --root (tests); empty: the real system

# Qt (widgets, offscreen and xcb), QtMultimedia, voice generation and fonts.
RUNTIME_PACKAGES=(
  libgl1 libegl1 libxkbcommon0 libfontconfig1 libglib2.0-0 libdbus-1-3 libpulse0 libxrandr2
  libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0
  libxcb-render0 libxcb-shape0 libxcb-util1 libxcb-xkb1 libxkbcommon-x11-0
  espeak-ng sox fonts-dejavu-core
)
# What the tests use: a virtual X server for screenshots, a virtual serial port for printers,
# network namespaces for the multi-machine test, PostgreSQL for the server tests on PostgreSQL
# (they start a cluster of their own: the packaged one need not run), Patroni and etcd for
# the automatic database failover smoke test (it starts its own etcd and Patroni nodes), poppler-utils
# (pdftotext, pdfinfo) to read the PDF reports back.
DEV_PACKAGES=(xvfb xauth socat iproute2 postgresql patroni etcd-server poppler-utils)
# A headless browser for the web page tests (Debian's names; Ubuntu ships Chromium as a snap
# only: there these tests are skipped with the reason).
BROWSER_PACKAGES=(chromium chromium-driver)

say() { printf '[antrian] %s\n' "$*"; }
fail() { printf '[antrian] error: %s\n' "$*" >&2; exit 1; }

usage() {
  sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
  cat <<'USAGE'
Options:
  --dev             also install test tools and test libraries
  --server          run the Antrian server on this PC (systemd unit antrian-server.service)
  --postgresql      with --server: keep the office's record in PostgreSQL on this PC
                    (database "antrian", owned by the server's user) instead of SQLite
  --kiosk           start the kiosk at login, full screen; allow USB ticket printers
  --counter N       start the counter terminal of loket N at login
  --display         start the waiting-room display at login, full screen
  --central         run the city's antrian-central here (unit antrian-central.service,
                    PostgreSQL database "antrian_kota"; see docs/city.md)
  --token TOKEN     the device token for --kiosk/--counter/--display (else asked for;
                    none: the program shows a pairing code at first start)
  --server-url URL  the server's address, if zeroconf cannot find it on this network
  --uninstall       remove what the roles installed; keeps the database and config
  --no-system       do not install system packages (you install them yourself)
  --root DIR        write the role files under DIR instead of / (to test this script)
  -h, --help        this help
USAGE
}

while [ $# -gt 0 ]; do
  case "$1" in
    --dev) DEV=1 ;;
    --no-system) SYSTEM=0 ;;
    --server|--kiosk|--display|--central) ROLES+=("${1#--}") ;;
    --counter)
      [ $# -ge 2 ] || fail "--counter needs the loket number, e.g. --counter 2"
      [[ "$2" =~ ^[1-9][0-9]{0,2}$ ]] || fail "--counter needs a loket number from 1 to 999, not '$2'"
      ROLES+=("counter"); COUNTER_NUMBER="$2"; shift ;;
    --token)
      [ $# -ge 2 ] || fail "--token needs the token printed by 'antrian-server token create'"
      [[ "$2" =~ ^[A-Za-z0-9_-]+$ ]] || fail "--token: that does not look like an Antrian token"
      TOKEN="$2"; shift ;;
    --server-url)
      [ $# -ge 2 ] || fail "--server-url needs an address such as http://192.168.1.10:8470"
      [[ "$2" =~ ^https?://[A-Za-z0-9.:-]+/?$ ]] || fail "--server-url: expected http://HOST:PORT, not '$2'"
      SERVER_URL="$2"; shift ;;
    --postgresql) POSTGRESQL=1 ;;
    --uninstall) UNINSTALL=1 ;;
    --root)
      [ $# -ge 2 ] || fail "--root needs a directory"
      mkdir -p "$2"; ROOT="$(readlink -f "$2")"; SYSTEM=0; VENV_SETUP=0; shift ;;
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

# Debian 13 and Ubuntu 24.04 renamed some libraries with a t64 suffix (libglib2.0-0t64);
# apt-get installs them under the old name, dpkg knows them only by the new one.
package_installed() {
  local name
  for name in "$1" "${1}t64"; do
    if dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q "install ok installed"; then
      return 0
    fi
  done
  return 1
}

install_system_packages() {
  local wanted=("${RUNTIME_PACKAGES[@]}")
  [ "$DEV" -eq 1 ] && wanted+=("${DEV_PACKAGES[@]}")
  [ "$POSTGRESQL" -eq 1 ] && wanted+=(postgresql)
  [[ " ${ROLES[*]} " == *" central "* ]] && wanted+=(postgresql)
  python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || wanted+=(python3-venv)
  if ! command -v dpkg-query >/dev/null 2>&1; then
    say "not a Debian-like system: install these yourself if missing: ${wanted[*]}"
    return
  fi
  local missing=()
  for package in "${wanted[@]}"; do
    package_installed "$package" || missing+=("$package")
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

install_browser_packages() {
  [ "$DEV" -eq 1 ] && command -v dpkg-query >/dev/null 2>&1 || return 0
  local missing=()
  for package in "${BROWSER_PACKAGES[@]}"; do
    package_installed "$package" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing the browser for the web page tests: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  { as_root apt-get update -qq \
    && as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; } \
    || say "could not install ${missing[*]}: the browser tests will be skipped"
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

# ----------------------------------------------------------------- roles

ETC_DIR="$ROOT/etc/antrian"
CONFIG_FILE="$ETC_DIR/antrian.toml"
DATA_DIR="$ROOT/var/lib/antrian"
UNIT_FILE="$ROOT/etc/systemd/system/antrian-server.service"
UDEV_RULE="$ROOT/etc/udev/rules.d/60-antrian-printer.rules"
CENTRAL_UNIT_FILE="$ROOT/etc/systemd/system/antrian-central.service"
CENTRAL_ENV_FILE="$ETC_DIR/central.env"
CENTRAL_URL="postgresql:///antrian_kota?host=/var/run/postgresql"

# The desktop user whose session starts the kiosk/counter/display.
DESKTOP_USER="${SUDO_USER:-$(id -un)}"
DESKTOP_HOME="$ROOT$(getent passwd "$DESKTOP_USER" | cut -d: -f6)"
AUTOSTART_DIR="$DESKTOP_HOME/.config/autostart"

need_root_for_roles() {
  [ -n "$ROOT" ] && return 0
  [ "$(id -u)" -eq 0 ] || fail "setting up a role changes system files: run it with sudo"
}

systemd_running() { [ -z "$ROOT" ] && [ -d /run/systemd/system ]; }

write_config_if_missing() {
  mkdir -p "$ETC_DIR"
  if [ ! -f "$CONFIG_FILE" ]; then
    install -m 644 "$PROJECT_DIR/assets/antrian.example.toml" "$CONFIG_FILE"
    say "wrote $CONFIG_FILE from the example: edit the office name, hours, services, counters"
  fi
}

# Append a [section] with this device's settings, unless the file has one already.
add_device_section() {
  local section="$1" extra="$2"
  write_config_if_missing
  if grep -q "^\[$section\]" "$CONFIG_FILE"; then
    say "$CONFIG_FILE already has a [$section] section: left as it is"
    return 0
  fi
  local token="$TOKEN"
  if [ -z "$token" ] && [ -t 0 ]; then
    read -r -p "[antrian] device token for the $section (empty: pair it with a code at first start): " token
  fi
  {
    printf '\n[%s]\n' "$section"
    if [ -n "$token" ]; then printf 'token = "%s"\n' "$token"
    else printf '# token = "..."   # none: it shows a pairing code at first start\n'; fi
    if [ -n "$SERVER_URL" ]; then printf 'server = "%s"\n' "$SERVER_URL"
    else printf '# server = "http://192.168.1.10:8470"   # only if zeroconf cannot find it\n'; fi
    if [ -n "$extra" ]; then printf '%s\n' "$extra"; fi
  } >> "$CONFIG_FILE"
  if [ -z "$token" ]; then
    say "no token given: the $section shows a pairing code at first start; approve it in /admin → Perangkat"
  fi
  return 0
}

write_autostart() {
  local program="$1" name="$2"
  mkdir -p "$AUTOSTART_DIR"
  cat > "$AUTOSTART_DIR/antrian-$program.desktop" <<DESKTOP
[Desktop Entry]
Type=Application
Name=$name
Comment=Antrian: starts at login
Exec=$VENV/bin/antrian-$program --config $CONFIG_FILE
Terminal=false
X-GNOME-Autostart-enabled=true
DESKTOP
  if [ -z "$ROOT" ]; then chown -R "$DESKTOP_USER": "$DESKTOP_HOME/.config" 2>/dev/null || true; fi
  say "autostart: $AUTOSTART_DIR/antrian-$program.desktop (from $DESKTOP_USER's next login)"
}

# A local PostgreSQL for the office's record: the server's user gets a role of its own
# (peer authentication over the local socket, no password) and owns the database "antrian".
setup_postgresql() {
  create_local_database antrian
  if grep -q '^database *=' "$CONFIG_FILE"; then
    say "$CONFIG_FILE already names a database: left as it is"
  elif grep -q '^\[server\]' "$CONFIG_FILE"; then
    sed -i "s|^\[server\]\$|[server]\ndatabase = \"$POSTGRESQL_URL\"|" "$CONFIG_FILE"
  else
    printf '\n[server]\ndatabase = "%s"\n' "$POSTGRESQL_URL" >> "$CONFIG_FILE"
  fi
}

# The PostgreSQL role of $DESKTOP_USER and a database it owns (nothing under --root).
create_local_database() {
  local database="$1"
  if [ -z "$ROOT" ]; then
    if systemd_running; then
      systemctl enable --now postgresql.service
    elif command -v pg_lsclusters >/dev/null 2>&1; then
      pg_lsclusters --no-header | while read -r version cluster _; do
        pg_ctlcluster "$version" "$cluster" start 2>/dev/null || true
      done
    fi
    local sql=(runuser -u postgres -- psql --quiet --no-psqlrc --tuples-only --no-align -c)
    if [ "$("${sql[@]}" "SELECT 1 FROM pg_roles WHERE rolname = '$DESKTOP_USER'")" != "1" ]; then
      runuser -u postgres -- createuser "$DESKTOP_USER" \
        || fail "cannot create the PostgreSQL role $DESKTOP_USER"
    fi
    if [ "$("${sql[@]}" "SELECT 1 FROM pg_database WHERE datname = '$database'")" != "1" ]; then
      runuser -u postgres -- createdb --owner "$DESKTOP_USER" "$database" \
        || fail "cannot create the PostgreSQL database $database"
    fi
    say "PostgreSQL database $database, owned by $DESKTOP_USER"
  fi
}

# The city's antrian-central: its database, its options file and its systemd unit.
setup_central() {
  create_local_database antrian_kota
  mkdir -p "$ETC_DIR" "$(dirname "$CENTRAL_UNIT_FILE")"
  if [ ! -f "$CENTRAL_ENV_FILE" ]; then
    cat > "$CENTRAL_ENV_FILE" <<ENV
# antrian-central's options (see docs/city.md); the unit reads this file
ANTRIAN_CENTRAL_DATABASE_URL=$CENTRAL_URL
CENTRAL_OPTIONS=--port 8480
# HTTPS (the norm): a certificate signed by the city CA, with the IP addresses offices use
# CENTRAL_OPTIONS=--port 8480 --tls-cert /etc/antrian/central.crt --tls-key /etc/antrian/central.key
# the city PDFs' letterhead and signer (see docs/city.md): --letterhead /etc/antrian/kota.toml
ENV
    chmod 640 "$CENTRAL_ENV_FILE"
    say "wrote $CENTRAL_ENV_FILE: set the TLS certificate there"
  else
    say "$CENTRAL_ENV_FILE exists: left as it is"
  fi
  cat > "$CENTRAL_UNIT_FILE" <<UNIT
[Unit]
Description=Antrian city central
Wants=network-online.target postgresql.service
After=network-online.target postgresql.service

[Service]
User=$DESKTOP_USER
EnvironmentFile=$CENTRAL_ENV_FILE
ExecStart=$VENV/bin/antrian-central \$CENTRAL_OPTIONS
Restart=always
RestartSec=2
TimeoutStopSec=20
# every office pushes and every dashboard polls over its own connection
LimitNOFILE=65536

[Install]
WantedBy=multi-user.target
UNIT
  say "systemd unit: $CENTRAL_UNIT_FILE"
  if [ -z "$ROOT" ]; then
    local central=(env "ANTRIAN_CENTRAL_DATABASE_URL=$CENTRAL_URL" "$VENV/bin/antrian-central")
    local password
    password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=' | cut -c1-20)
    if printf '%s\n' "$password" \
        | runuser -u "$DESKTOP_USER" -- "${central[@]}" user create admin --role admin >/dev/null 2>&1
    then
      say "first account of the city dashboard (shown once, keep it safe): admin / $password"
    fi
  fi
  if systemd_running; then
    systemctl daemon-reload
    systemctl enable --now antrian-central.service
  elif [ -z "$ROOT" ]; then
    say "systemd is not running here: start it with $VENV/bin/antrian-central --database $CENTRAL_URL"
  fi
}

setup_server() {
  write_config_if_missing
  mkdir -p "$DATA_DIR" "$(dirname "$UNIT_FILE")"
  if [ -z "$ROOT" ]; then chown "$DESKTOP_USER": "$DATA_DIR"; fi
  local after="network-online.target"
  if [ "$POSTGRESQL" -eq 1 ]; then
    setup_postgresql
    after="network-online.target postgresql.service"
  fi
  cat > "$UNIT_FILE" <<UNIT
[Unit]
Description=Antrian queue server
Wants=$after
After=$after

[Service]
User=$DESKTOP_USER
ExecStart=$VENV/bin/antrian-server --config $CONFIG_FILE --data-dir $DATA_DIR
Restart=always
RestartSec=2
TimeoutStopSec=20
# every display, counter and phone holds a connection: systemd's default soft limit of
# 1,024 open files is too few for a large office (the server also caps each address)
LimitNOFILE=65536

[Install]
WantedBy=multi-user.target
UNIT
  say "systemd unit: $UNIT_FILE"
  if systemd_running; then
    systemctl daemon-reload
    systemctl enable --now antrian-server.service
  elif [ -z "$ROOT" ]; then
    say "systemd is not running here: start the server with $VENV/bin/antrian-server"
  fi
  if [ -z "$ROOT" ]; then
    local server=("$VENV/bin/antrian-server" --config "$CONFIG_FILE" --data-dir "$DATA_DIR")
    if ! runuser -u "$DESKTOP_USER" -- "${server[@]}" token list | grep -q "admin"; then
      local admin
      admin=$(runuser -u "$DESKTOP_USER" -- "${server[@]}" token create --role admin \
        --name "admin (install)")
      say "first admin token (shown once, keep it safe): $admin"
    fi
    create_first_admin_account "${server[@]}"
  fi
}

# The first person's account for /admin (name "admin"): its password is asked on a
# terminal, else generated and printed once. There is no default password.
create_first_admin_account() {
  local server=("$@")
  if runuser -u "$DESKTOP_USER" -- "${server[@]}" user list \
      | awk -F'\t' '$2 == "admin" && NF == 4 { found = 1 } END { exit !found }'; then
    return 0
  fi
  if [ -t 0 ]; then
    say "first admin account for /admin is named 'admin': choose its password (8+ characters)"
    local attempt
    for attempt in 1 2 3; do
      if runuser -u "$DESKTOP_USER" -- "${server[@]}" user create admin --role admin; then
        return 0
      fi
    done
    fail "no admin account was created: run 'antrian-server user create admin --role admin'"
  fi
  local password
  password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=' | cut -c1-20)
  printf '%s\n' "$password" \
    | runuser -u "$DESKTOP_USER" -- "${server[@]}" user create admin --role admin >/dev/null
  say "first admin account for /admin (shown once, keep it safe): admin / $password"
  say "change it with: antrian-server user passwd admin"
}

setup_printer_access() {
  mkdir -p "$(dirname "$UDEV_RULE")"
  install -m 644 "$PROJECT_DIR/assets/udev/60-antrian-printer.rules" "$UDEV_RULE"
  say "udev rule for USB ticket printers: $UDEV_RULE"
  if [ -z "$ROOT" ]; then
    if command -v udevadm >/dev/null 2>&1; then
      udevadm control --reload-rules 2>/dev/null && udevadm trigger 2>/dev/null || true
    fi
    if usermod -aG lp,dialout "$DESKTOP_USER" 2>/dev/null; then
      say "$DESKTOP_USER may now use the printer (groups lp, dialout): log out and in once"
    fi
  fi
}

uninstall() {
  if systemd_running && [ -f "$UNIT_FILE" ]; then
    systemctl disable --now antrian-server.service || true
  fi
  if systemd_running && [ -f "$CENTRAL_UNIT_FILE" ]; then
    systemctl disable --now antrian-central.service || true
  fi
  rm -f "$UNIT_FILE" "$CENTRAL_UNIT_FILE" "$UDEV_RULE" "$AUTOSTART_DIR"/antrian-*.desktop
  if systemd_running; then systemctl daemon-reload || true; fi
  say "removed the server service, the autostart entries and the udev rule"
  say "kept the database in $DATA_DIR and the config $CONFIG_FILE (delete them by hand)"
  say "the program itself is in $VENV: delete $PROJECT_DIR to remove it"
}

if [ "$UNINSTALL" -eq 1 ]; then
  need_root_for_roles
  uninstall
  exit 0
fi

check_python
if [ "$POSTGRESQL" -eq 1 ] && [[ " ${ROLES[*]} " != *" server "* ]]; then
  fail "--postgresql goes with --server (it is where the server keeps its record)"
fi
if [ ${#ROLES[@]} -gt 0 ]; then need_root_for_roles; fi
if [ "$SYSTEM" -eq 1 ]; then install_system_packages; install_browser_packages; fi
if [ "$VENV_SETUP" -eq 1 ]; then create_venv; generate_voice_clips; fi
for role in "${ROLES[@]}"; do
  case "$role" in
    server) setup_server ;;
    central) setup_central ;;
    kiosk)
      add_device_section kiosk '# admin_pin = "2468"   # to leave the kiosk (see docs/kiosk.md)'
      setup_printer_access
      write_autostart kiosk "Antrian Kiosk" ;;
    counter)
      add_device_section counter "counter = $COUNTER_NUMBER"
      write_autostart counter "Antrian Loket $COUNTER_NUMBER" ;;
    display)
      add_device_section display '# ticker = "Selamat datang di kantor kecamatan"'
      write_autostart display "Antrian Display" ;;
  esac
done
if [ ${#ROLES[@]} -eq 0 ]; then
  say "done. Start the server with: .venv/bin/antrian-server"
else
  say "done: ${ROLES[*]}"
fi
