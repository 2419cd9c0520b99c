# shellcheck shell=bash
# Shared helpers for the TMA for Odoo set-up, demo and test scripts.
#
# Source it, do not run it:   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# Everything here is plain bash plus the tools of a Debian machine. Nothing
# assumes where Odoo is installed: Odoo 18.0 is found through the Python
# interpreter (`import odoo`), and its core addons paths are derived from the
# installed `odoo` package.
#
# Environment knobs understood by these helpers:
#   TMA_PYTHON      Python interpreter that has Odoo 18.0 (default: python3)
#   TMA_MODULES     comma-separated module list replacing the discovered suite
#                   modules (e.g. TMA_MODULES=helpdesk_mgmt for a smoke test)
#   TMA_PG_BINDIR   directory of the PostgreSQL server binaries (default: the
#                   newest /usr/lib/postgresql/<version>/bin, 15 preferred)
#   TMA_PG_FAST=1   start PostgreSQL with fsync/synchronous_commit off (tests)
#   TMA_HTTP_INTERFACE  address Odoo listens on (default 127.0.0.1)

# Repository root: the parent directory of this file's directory.
TMA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TMA_PYTHON="${TMA_PYTHON:-python3}"
# Official Odoo 18.0 Community source tarball, used only when Odoo is missing.
TMA_ODOO_SRC_URL="${TMA_ODOO_SRC_URL:-https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz}"
# Odoo refuses to connect as `postgres`; this superuser role is created in
# every project-local cluster. Local, throwaway credentials (not a secret).
TMA_PG_USER="odoo"
TMA_PG_PASSWORD="odoo"

# ---------------------------------------------------------------------------
# Logging
# ---------------------------------------------------------------------------
tma_log() { printf '[tma %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
tma_warn() { printf '[tma %s] WARNING: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
# tma_die MESSAGE [EXIT_CODE]
tma_die() {
    printf '[tma %s] ERROR: %s\n' "$(date +%H:%M:%S)" "$1" >&2
    exit "${2:-1}"
}

# Run a command as root (directly when we are root, else through sudo).
tma_as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        tma_die "need root privileges (or sudo) to run: $*"
    fi
}

# ---------------------------------------------------------------------------
# System packages: PostgreSQL server, Chromium (for HttpCase tours and
# Playwright) and nginx (the reverse proxy in front of a multi-process Odoo in
# the end-to-end tests). Installed from Debian only when missing.
# ---------------------------------------------------------------------------

# Print the PostgreSQL server bin directory (empty when none is installed).
tma_pg_bindir() {
    if [ -n "${TMA_PG_BINDIR:-}" ]; then
        echo "$TMA_PG_BINDIR"
        return 0
    fi
    if [ -x /usr/lib/postgresql/15/bin/initdb ]; then
        echo /usr/lib/postgresql/15/bin
        return 0
    fi
    local d
    d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    if [ -n "$d" ] && [ -x "$d/initdb" ]; then
        echo "$d"
        return 0
    fi
    # Other distributions put the server binaries on PATH.
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v initdb)"
    fi
}

# libfaketime's preload library (Debian's `faketime` package), or nothing.
tma_faketime_lib() {
    local lib
    for lib in /usr/lib/*/faketime/libfaketime.so.1 /usr/lib/faketime/libfaketime.so.1; do
        if [ -f "$lib" ]; then
            echo "$lib"
            return 0
        fi
    done
}

# Install the Debian packages `postgresql`, `chromium`, `nginx`,
# `wkhtmltopdf` (Odoo prints its PDF reports with it) and `faketime` when
# missing.
# Runs `apt-get update` first (the package lists may be absent or stale).
tma_require_system_packages() {
    local missing=()
    local bindir
    bindir="$(tma_pg_bindir)"
    if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ] || [ ! -x "$bindir/psql" ]; then
        missing+=(postgresql)
    fi
    if ! command -v chromium >/dev/null 2>&1; then
        missing+=(chromium)
    fi
    if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
        missing+=(nginx)
    fi
    if ! command -v wkhtmltopdf >/dev/null 2>&1; then
        missing+=(wkhtmltopdf)
    fi
    # libfaketime: the test command's clock-ahead step runs PostgreSQL and
    # the tests with their clocks moved ahead.
    if [ -z "$(tma_faketime_lib)" ]; then
        missing+=(faketime)
    fi
    if [ "${#missing[@]}" -eq 0 ]; then
        return 0
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        tma_die "missing system packages (${missing[*]}) and no apt-get to install them"
    fi
    tma_log "installing missing system packages: ${missing[*]}"
    tma_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq ||
        tma_die "apt-get update failed"
    tma_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends "${missing[@]}" ||
        tma_die "apt-get install ${missing[*]} failed"
    bindir="$(tma_pg_bindir)"
    [ -n "$bindir" ] && [ -x "$bindir/initdb" ] ||
        tma_die "PostgreSQL server binaries still not found after apt-get install"
}

# ---------------------------------------------------------------------------
# Odoo 18.0
# ---------------------------------------------------------------------------
tma_odoo_ok() {
    "$TMA_PYTHON" -c 'import odoo; assert odoo.release.version_info[:2] == (18, 0)' \
        >/dev/null 2>&1
}

# Make sure Odoo 18.0 Community is importable; try to pip-install it from the
# official source tarball otherwise; fail loudly (exit 2) when that fails too.
tma_require_odoo() {
    if tma_odoo_ok; then
        return 0
    fi
    tma_warn "Odoo 18.0 is not importable by $TMA_PYTHON; trying to pip install it from $TMA_ODOO_SRC_URL"
    # Some sdists pinned by Odoo 18.0's requirements do not build with
    # setuptools >= 70. PIP_CONSTRAINT (unlike -c) also reaches pip's isolated
    # build environments.
    local constraint rc=0
    constraint="$(mktemp)"
    echo 'setuptools<70' >"$constraint"
    PIP_CONSTRAINT="$constraint" "$TMA_PYTHON" -m pip install \
        --timeout 15 --retries 1 "$TMA_ODOO_SRC_URL" || rc=$?
    rm -f "$constraint"
    if [ "$rc" -eq 0 ] && tma_odoo_ok; then
        tma_log "Odoo 18.0 installed from the source tarball"
        return 0
    fi
    cat >&2 <<EOF

[tma] ERROR: Odoo 18.0 Community is not importable by '$TMA_PYTHON'
        (python -c "import odoo" fails or is not version 18.0), and installing
        it from $TMA_ODOO_SRC_URL failed.
        Install it, then run this command again:
          0. the Debian packages its requirements build against:
             apt-get install build-essential python3-dev libldap2-dev \\
               libsasl2-dev libpq-dev libxml2-dev libxslt1-dev libjpeg-dev
             Debian's own python3 refuses a system-wide pip install
             ("externally-managed-environment"): create a virtual
             environment (python3 -m venv <venv>) and set
             TMA_PYTHON=<venv>/bin/python for the steps below and for
             this command;
          1. get the Odoo 18.0 Community source (git clone -b 18.0 --depth 1
             https://github.com/odoo/odoo <odoo-src>, or unpack the 18.0 source
             tarball into <odoo-src>);
          2. \$TMA_PYTHON -m pip install -r <odoo-src>/requirements.txt
             (with PIP_CONSTRAINT pointing to a file containing 'setuptools<70'
             if an sdist fails to build);
          3. \$TMA_PYTHON -m pip install --config-settings editable_mode=compat \\
               -e <odoo-src>
        Set TMA_PYTHON to use another interpreter.

EOF
    exit 2
}

# Print the command that starts Odoo, as words, one per line (use with
# mapfile). The `odoo` console script installed beside TMA_PYTHON comes
# first, then the one on PATH, then `python -m odoo`. The console script
# matters: in multi-process mode (--workers) Odoo re-executes sys.argv[0] to
# spawn its gevent (websocket) process, which fails under `python -m odoo`.
tma_odoo_cmd() {
    local script
    script="$("$TMA_PYTHON" -c 'import os, sys; print(os.path.join(os.path.dirname(sys.executable), "odoo"))' 2>/dev/null || true)"
    if [ -n "$script" ] && [ -x "$script" ]; then
        echo "$script"
    elif command -v odoo >/dev/null 2>&1; then
        command -v odoo
    elif "$TMA_PYTHON" -c 'import importlib.util, sys; sys.exit(importlib.util.find_spec("odoo.__main__") is None)' 2>/dev/null; then
        printf '%s\n' "$TMA_PYTHON" -m odoo
    else
        tma_die "no 'odoo' console script and no '$TMA_PYTHON -m odoo' available" 2
    fi
}

# Run Odoo with the given arguments.
tma_odoo() {
    local cmd
    mapfile -t cmd < <(tma_odoo_cmd)
    "${cmd[@]}" "$@"
}

# Comma-separated addons path: the repository root (when it holds addons)
# followed by the core addons paths of the installed odoo package:
# <source root>/addons (git checkout layout) and odoo/addons. OCA addons
# installed as wheels live in site-packages/odoo/addons and are found through
# the odoo.addons namespace package.
tma_addons_path() {
    "$TMA_PYTHON" - "$TMA_ROOT" <<'PY'
import os
import sys

import odoo

root = os.path.abspath(sys.argv[1])
pkg_dir = os.path.dirname(os.path.abspath(odoo.__file__))  # .../odoo
candidates = [os.path.join(os.path.dirname(pkg_dir), "addons"), os.path.join(pkg_dir, "addons")]


def has_addons(path):
    try:
        names = os.listdir(path)
    except OSError:
        return False
    return any(
        os.path.isfile(os.path.join(path, n, "__manifest__.py"))
        and os.path.isfile(os.path.join(path, n, "__init__.py"))
        for n in names
    )


paths = []
for path in [root] + candidates:
    path = os.path.realpath(path)
    if path not in paths and has_addons(path):
        paths.append(path)
print(",".join(paths))
PY
}

# Comma-separated list of the suite addons present at the repository root:
# directories named tma_* with a __manifest__.py whose `installable` is true.
# TMA_MODULES, when set, replaces the discovered list.
tma_suite_modules() {
    if [ -n "${TMA_MODULES:-}" ]; then
        echo "$TMA_MODULES" | tr -d ' '
        return 0
    fi
    "$TMA_PYTHON" - "$TMA_ROOT" <<'PY'
import ast
import os
import sys

root = sys.argv[1]
mods = []
for name in sorted(os.listdir(root)):
    manifest = os.path.join(root, name, "__manifest__.py")
    if not name.startswith("tma_") or not os.path.isfile(manifest):
        continue
    with open(manifest, encoding="utf-8") as f:
        data = ast.literal_eval(f.read())
    if data.get("installable", True):
        mods.append(name)
print(",".join(mods))
PY
}

# ---------------------------------------------------------------------------
# Project-local PostgreSQL cluster
#
# Layout of DIR:  DIR/data     the cluster (PGDATA)
#                 DIR/.s.PGSQL.<port>   unix socket
#                 DIR/postgresql.log    server log
# PostgreSQL refuses to run as root: as root, the server runs as the system
# user `postgres` (created when missing) and DIR is chowned to it.
# Unix socket paths are limited to ~107 bytes: keep DIR short.
# ---------------------------------------------------------------------------

# Run a command as the user owning the cluster.
_tma_pg_as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

_tma_pg_ensure_os_user() {
    [ "$(id -u)" -eq 0 ] || return 0
    if ! id -u postgres >/dev/null 2>&1; then
        tma_log "creating the system user 'postgres'"
        useradd --system --user-group --no-create-home \
            --home-dir /var/lib/postgresql --shell /bin/bash postgres ||
            tma_die "could not create the system user 'postgres'"
    fi
}

# tma_pg_pick_dir PREFERRED: print PREFERRED when a cluster can live there,
# else a short directory under /tmp named after it. A cluster cannot live in
# PREFERRED when, as root, the user `postgres` cannot traverse its parent
# (e.g. a checkout under /root), or when its unix socket path would be too
# long (PostgreSQL's limit is 107 bytes).
tma_pg_pick_dir() {
    local dir="$1" parent
    mkdir -p "$(dirname "$dir")"
    parent="$(cd "$(dirname "$dir")" && pwd)"
    dir="$parent/$(basename "$dir")"
    if [ "${#dir}" -lt 90 ] &&
        { [ "$(id -u)" -ne 0 ] || ! id -u postgres >/dev/null 2>&1 ||
            runuser -u postgres -- test -x "$parent" 2>/dev/null; }; then
        echo "$dir"
    else
        echo "/tmp/tma-$(basename "$dir")-$(printf '%s' "$dir" | md5sum | cut -c1-8)"
    fi
}

# tma_psql DIR PORT [psql args...]: psql as the `postgres` superuser over
# the unix socket of the cluster in DIR.
tma_psql() {
    local dir="$1" port="$2"
    shift 2
    PGOPTIONS="-c client_min_messages=warning" \
        "$(tma_pg_bindir)/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres -d postgres "$@"
}

# tma_start_pg DIR PORT: initialise (when absent) and start the cluster in
# DIR on 127.0.0.1:PORT; reuse it when it is already running. Creates the
# superuser role `odoo` (password `odoo`) that Odoo connects as.
tma_start_pg() {
    local dir="$1" port="$2"
    [ -n "$dir" ] && [ -n "$port" ] || tma_die "usage: tma_start_pg DIR PORT"
    local bindir
    bindir="$(tma_pg_bindir)"
    [ -n "$bindir" ] && [ -x "$bindir/pg_ctl" ] ||
        tma_die "PostgreSQL server binaries not found (install the Debian package 'postgresql')"
    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd)"
    local data="$dir/data" log="$dir/postgresql.log"

    _tma_pg_ensure_os_user
    if [ "$(id -u)" -eq 0 ]; then
        chown -R postgres: "$dir"
        runuser -u postgres -- test -x "$dir" ||
            tma_die "user 'postgres' cannot reach $dir (check the permissions of its parent directories)"
    fi

    if [ ! -s "$data/PG_VERSION" ]; then
        tma_log "initdb $data"
        rm -rf "$data"
        _tma_pg_as_owner "$bindir/initdb" -D "$data" -U postgres --auth=trust \
            --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1 ||
            { cat "$dir/initdb.log" >&2; tma_die "initdb failed"; }
    fi

    if _tma_pg_as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        tma_log "PostgreSQL already running in $dir"
    else
        if "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" >/dev/null 2>&1; then
            tma_die "port $port is already used by another PostgreSQL server; choose another port"
        fi
        local opts="-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200"
        if [ "${TMA_PG_FAST:-0}" = 1 ]; then
            # Throwaway test clusters: durability is not needed, speed is.
            opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        fi
        # TMA_PG_FAKETIME: the server's clock moved by this libfaketime
        # offset (the test command's clock-ahead step).
        local clock=()
        if [ -n "${TMA_PG_FAKETIME:-}" ]; then
            clock=(env "LD_PRELOAD=$(tma_faketime_lib)" "FAKETIME=$TMA_PG_FAKETIME"
                FAKETIME_DONT_FAKE_MONOTONIC=1)
            tma_log "PostgreSQL's clock moved by $TMA_PG_FAKETIME"
        fi
        tma_log "starting PostgreSQL ($dir, 127.0.0.1:$port)"
        _tma_pg_as_owner "${clock[@]}" "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 60 -o "$opts" start \
            >/dev/null ||
            { tail -n 30 "$log" >&2 || true; tma_die "PostgreSQL did not start (log: $log)"; }
    fi

    # The superuser role Odoo connects as.
    if [ "$(tma_psql "$dir" "$port" -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$TMA_PG_USER'")" != 1 ]; then
        tma_psql "$dir" "$port" -c \
            "CREATE ROLE $TMA_PG_USER LOGIN SUPERUSER CREATEDB PASSWORD '$TMA_PG_PASSWORD'" ||
            tma_die "could not create the PostgreSQL role '$TMA_PG_USER'"
    fi
}

# tma_start_replica PRIMARY_DIR PRIMARY_PORT DIR PORT: a streaming replica of
# the running cluster in PRIMARY_DIR, in DIR on 127.0.0.1:PORT (a fresh
# pg_basebackup -R each time: it follows the primary from then on, read-only,
# as a production replica does). Stop it with tma_stop_pg DIR.
tma_start_replica() {
    local primary="$1" primary_port="$2" dir="$3" port="$4"
    [ -n "$primary" ] && [ -n "$primary_port" ] && [ -n "$dir" ] && [ -n "$port" ] ||
        tma_die "usage: tma_start_replica PRIMARY_DIR PRIMARY_PORT DIR PORT"
    local bindir
    bindir="$(tma_pg_bindir)"
    tma_stop_pg "$dir"
    rm -rf "$dir"
    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd)"
    if [ "$(id -u)" -eq 0 ]; then
        chown -R postgres: "$dir"
    fi
    tma_log "pg_basebackup of $primary into the replica $dir"
    _tma_pg_as_owner "$bindir/pg_basebackup" -h "$primary" -p "$primary_port" -U postgres \
        -D "$dir/data" -R -X stream -c fast >"$dir/basebackup.log" 2>&1 ||
        { cat "$dir/basebackup.log" >&2; tma_die "pg_basebackup failed"; }
    local opts="-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200"
    opts="$opts -c hot_standby=on -c fsync=off"
    tma_log "starting the replica ($dir, 127.0.0.1:$port)"
    _tma_pg_as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/postgresql.log" -w -t 60 \
        -o "$opts" start >/dev/null ||
        { tail -n 30 "$dir/postgresql.log" >&2 || true; tma_die "the replica did not start"; }
    [ "$(tma_psql "$dir" "$port" -tAc 'SELECT pg_is_in_recovery()')" = t ] ||
        tma_die "the server in $dir is not a replica"
}

# tma_stop_pg DIR: stop the cluster in DIR when it runs.
tma_stop_pg() {
    local dir="$1"
    [ -d "$dir/data" ] || return 0
    local bindir
    bindir="$(tma_pg_bindir)"
    [ -n "$bindir" ] || return 0
    if _tma_pg_as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        tma_log "stopping PostgreSQL ($dir)"
        _tma_pg_as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null ||
            tma_warn "could not stop PostgreSQL in $dir"
    fi
}

# tma_db_exists DIR PORT DB
tma_db_exists() {
    [ "$(tma_psql "$1" "$2" -tAc "SELECT 1 FROM pg_database WHERE datname = '$3'")" = 1 ]
}

# tma_drop_db DIR PORT DB DATA_DIR: drop the database and its filestore.
tma_drop_db() {
    local dir="$1" port="$2" db="$3" data_dir="${4:-}"
    tma_psql "$dir" "$port" -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" ||
        tma_die "could not drop database $db"
    if [ -n "$data_dir" ]; then
        rm -rf "${data_dir:?}/filestore/$db"
    fi
}

# tma_modules_not_installed DIR PORT DB MODULES: print (comma-separated) the
# modules of MODULES that are not installed in DB.
tma_modules_not_installed() {
    local dir="$1" port="$2" db="$3" mods="$4" m state missing=()
    local IFS=,
    for m in $mods; do
        state="$(tma_psql "$dir" "$port" -d "$db" -tAc \
            "SELECT state FROM ir_module_module WHERE name = '$m'" 2>/dev/null || true)"
        [ "$state" = installed ] || missing+=("$m")
    done
    echo "${missing[*]}"
}

# tma_write_odoo_conf FILE PORT DATA_DIR HTTP_PORT [extra "key = value" lines]
tma_write_odoo_conf() {
    local file="$1" port="$2" data_dir="$3" http_port="$4"
    shift 4
    local addons
    addons="$(tma_addons_path)" || tma_die "could not compute the addons path"
    mkdir -p "$(dirname "$file")" "$data_dir"
    {
        echo "; Generated by setup/*.sh - do not edit, it is rewritten at every run."
        echo "[options]"
        echo "db_host = 127.0.0.1"
        echo "db_port = $port"
        echo "db_user = $TMA_PG_USER"
        echo "db_password = $TMA_PG_PASSWORD"
        echo "addons_path = $addons"
        echo "data_dir = $data_dir"
        echo "http_interface = ${TMA_HTTP_INTERFACE:-127.0.0.1}"
        echo "http_port = $http_port"
        local line
        for line in "$@"; do
            echo "$line"
        done
    } >"$file"
}

# tma_log_exceptions LOGFILE: print the last lines of the Python tracebacks in
# LOGFILE ("SomeError: message"), at most 20.
tma_log_exceptions() {
    grep -E '^[A-Za-z_][A-Za-z0-9_.]*(Error|Exception|Warning): ' "$1" | tail -n 20 || true
}

# tma_log_problems LOGFILE [EXTRA_REGEX]: print the Odoo log records of level
# ERROR or CRITICAL (plus lines matching EXTRA_REGEX); return 0 when some were
# found. Odoo's record format: "YYYY-mm-dd HH:MM:SS,mmm PID LEVEL DB LOGGER: msg".
tma_log_problems() {
    local logfile="$1" extra="${2:-}"
    local re='^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:,]+ [0-9]+ (ERROR|CRITICAL) '
    if [ -n "$extra" ]; then
        re="$re|$extra"
    fi
    grep -E "$re" "$logfile"
}
