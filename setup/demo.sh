#!/usr/bin/env bash
# TMA for Odoo - demo instance.
#
#   bash setup/demo.sh            create (first run) and serve the demo database
#   bash setup/demo.sh --reset    drop the demo database and create it again
#   bash setup/demo.sh --english  build it in English only (with --reset when
#                                 the database exists already)
#
# What it does:
#   1. checks that Odoo 18.0 Community is importable (exit 2 with instructions
#      when it is not), pip installs requirements.txt (OCA addons, libraries);
#   2. starts a project-local PostgreSQL cluster in .local/pg (no system
#      service; port TMA_PG_PORT, default 55432; under /tmp instead when the
#      user postgres cannot reach .local, e.g. a checkout under /root);
#   3. writes the Odoo configuration .local/odoo-demo.conf;
#   4. creates the database TMA_DB (default tma_demo) with the suite addons
#      installed WITH demo data, unless it exists already. Its company is
#      first made the demo's provider (setup/demo_company.py: a French company
#      invoicing in euros, its logo and letterhead). The demo is French
#      first: French is loaded with the addons' translations, the French
#      clients and their portal users read French (dates and numbers in French
#      format in the portal and the PDFs) and the demo's texts are French;
#      Alpha Logistique, part of an international group, reads English, as
#      does the administrator. With --english, French is not loaded and every
#      client reads English (English-only demo: interface, emails, PDFs and
#      the English texts of the demo records);
#   5. prints the demo logins and serves Odoo in the foreground on
#      http://localhost:TMA_HTTP_PORT (default 8069). Ctrl-C stops Odoo; the
#      PostgreSQL cluster keeps running (stop it with:
#      bash -c '. setup/lib.sh; tma_stop_pg "$(tma_pg_pick_dir .local/pg)"').
#
# Environment: TMA_PG_PORT, TMA_HTTP_PORT, TMA_DB, TMA_MODULES (module list
# override), TMA_PYTHON (interpreter with Odoo), TMA_SKIP_PIP=1 (offline),
# TMA_WORKERS (Odoo worker processes; default 0 = threaded, see step 5),
# TMA_HTTP_INTERFACE (listen address, default 127.0.0.1).
set -euo pipefail

# ---------------------------------------------------------------------------
# Demo logins, printed before serving. The provider (engineer) user and the
# client portal users are defined in the suite's demo data (tma_contract
# demo/*.xml, the successor in tma_reversibility's); keep this block in sync.
# ---------------------------------------------------------------------------
DEMO_LOGINS=(
    # "role|login|password"
    "Manager (administrator)|admin|admin"
    "Provider (TMA engineer)|tma.engineer|tma.engineer"
    "Finance (invoices the units)|tma.finance|tma.finance"
    "Client portal - Alpha (English)|client.alpha|client.alpha"
    "Client portal - Beta (French)|client.beta|client.beta"
    "Client portal - Gamma (French)|client.gamma|client.gamma"
    "Successor - Delta (French, Beta's handover)|successor.delta|successor.delta"
    "Client portal - Epsilon (French, contract being taken on)|client.epsilon|client.epsilon"
    "Outgoing provider - Orion (French, Epsilon's take-on)|predecessor.orion|predecessor.orion"
)

# shellcheck source=setup/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$TMA_ROOT"

# demo_install MODULES [fresh]: install MODULES (with demo data) in $DB; fail loudly
# when Odoo fails, logs ERROR/CRITICAL records, or skips the demo data (Odoo 18
# only logs a WARNING "Module X demo data failed to install, installed without
# demo data" and goes on). With `fresh` (a database just created), the
# database is dropped on failure.
demo_install() {
    local log="$LOCAL/demo-install.log" rc=0 modules="$1" fresh="${2:-}"
    shift
    if [ $# -gt 0 ]; then shift; fi
    set +e
    tma_odoo -c "$CONF" -d "$DB" -i "$modules" "$@" --stop-after-init 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    set -e
    if [ "$rc" -ne 0 ] || tma_log_problems "$log" 'demo data failed to install' >/dev/null; then
        tma_log_problems "$log" 'demo data failed to install' | head -n 20 >&2 || true
        tma_log_exceptions "$log" >&2
        if [ "$fresh" = fresh ]; then
            # Do not leave a half-made demo database behind for the next run.
            tma_drop_db "$PG_DIR" "$PG_PORT" "$DB" "$DATA_DIR"
            tma_die "installing $modules in a new $DB failed (log: $log); the database was dropped"
        fi
        tma_die "installing $modules in $DB failed (log: $log; start again with: bash setup/demo.sh --reset)"
    fi
}

# demo_english: the demo's records are written in French (the French clients'
# tickets, documents, messages); an English-only demo gets their English text
# from setup/demo_english.py, applied once to the new database.
demo_english() {
    tma_log "--english: the demo records in English"
    "$TMA_PYTHON" "$TMA_ROOT/setup/demo_english.py" -c "$CONF" -d "$DB" ||
        tma_die "writing the English demo texts in $DB failed"
}

# demo_company [ODOO_ARGS...]: create $DB with base and web only, and write
# the demo's provider on its company (setup/demo_company.py): its country
# (France) and currency (EUR) must be set before accounting is installed, as
# a company's currency cannot change once journal items exist.
demo_company() {
    demo_install base,web fresh "$@"
    tma_log "the demo's provider: setup/demo_company.py"
    if ! "$TMA_PYTHON" "$TMA_ROOT/setup/demo_company.py" -c "$CONF" -d "$DB"; then
        tma_drop_db "$PG_DIR" "$PG_PORT" "$DB" "$DATA_DIR"
        tma_die "writing the demo's provider in $DB failed; the database was dropped"
    fi
}

# demo_history: a year of each demo contract's life before today, played by
# the suite's own flows with the clock moved (setup/demo_history.py), once, on
# the new database.
demo_history() {
    tma_log "a year of history for the demo contracts (setup/demo_history.py)"
    "$TMA_PYTHON" "$TMA_ROOT/setup/demo_history.py" -c "$CONF" -d "$DB" ||
        tma_die "writing the demo's history in $DB failed (start again with: bash setup/demo.sh --reset)"
}

# Everything runs from main(), so that bash has parsed the whole file before
# running anything (editing it during a run cannot derail that run).
main() {
    RESET=0
    ENGLISH=0
    local arg
    for arg in "$@"; do
        case "$arg" in
        --reset) RESET=1 ;;
        --english) ENGLISH=1 ;;
        -h | --help)
            sed -n '2,35p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *) tma_die "unknown option: $arg (use --reset, --english or --help)" ;;
        esac
    done

    PG_PORT="${TMA_PG_PORT:-55432}"
    HTTP_PORT="${TMA_HTTP_PORT:-8069}"
    DB="${TMA_DB:-tma_demo}"
    LOCAL="$TMA_ROOT/.local"
    PG_DIR="$(tma_pg_pick_dir "$LOCAL/pg")"
    CONF="$LOCAL/odoo-demo.conf"
    DATA_DIR="$LOCAL/filestore"
    mkdir -p "$LOCAL"

    # 1. Odoo and Python requirements. Odoo first: the OCA wheels require
    #    odoo==18.0.*, which pip must find already installed.
    tma_require_odoo
    if [ "${TMA_SKIP_PIP:-0}" != 1 ]; then
        tma_log "pip install -r requirements.txt"
        "$TMA_PYTHON" -m pip install -q -r requirements.txt ||
            tma_die "pip install -r requirements.txt failed"
    fi
    tma_require_system_packages

    MODULES="$(tma_suite_modules)"
    [ -n "$MODULES" ] || tma_die "no installable tma_* addon found in $TMA_ROOT"

    # 2. PostgreSQL (left running after the script, for faster restarts).
    tma_start_pg "$PG_DIR" "$PG_PORT"

    # 3. Odoo configuration.
    tma_write_odoo_conf "$CONF" "$PG_PORT" "$DATA_DIR" "$HTTP_PORT" \
        "db_name = $DB" \
        "dbfilter = ^$DB\$" \
        "list_db = False" \
        "proxy_mode = False"
    tma_log "Odoo configuration: $CONF"

    # 4. Demo database.
    if [ "$RESET" = 1 ] && tma_db_exists "$PG_DIR" "$PG_PORT" "$DB"; then
        tma_log "--reset: dropping database $DB"
        tma_drop_db "$PG_DIR" "$PG_PORT" "$DB" "$DATA_DIR"
    fi
    if ! tma_db_exists "$PG_DIR" "$PG_PORT" "$DB"; then
        tma_log "creating database $DB with demo data and modules: $MODULES (takes a few minutes)"
        # Odoo 18 loads demo data unless --without-demo is given. French is
        # loaded first, so that every addon installs its French terms and the
        # demo data finds French active (its French clients then read French).
        if [ "$ENGLISH" = 1 ]; then
            demo_company
            demo_install "$MODULES" fresh
            demo_english
        else
            # English first: it stays the default language of new users (the
            # administrator's), French is loaded beside it.
            demo_company --load-language en_US,fr_FR
            demo_install "$MODULES" fresh --load-language en_US,fr_FR
        fi
        demo_history
    else
        # A suite addon added since the database was created is installed now.
        MISSING="$(tma_modules_not_installed "$PG_DIR" "$PG_PORT" "$DB" "$MODULES")"
        if [ -n "$MISSING" ]; then
            tma_log "installing modules missing from $DB: $MISSING"
            demo_install "$MISSING"
        else
            tma_log "database $DB exists (use --reset to recreate it)"
            if [ "$ENGLISH" = 1 ]; then
                tma_warn "--english applies when the database is created: add --reset"
            fi
        fi
    fi

    # 5. Logins, then serve.
    echo
    echo "================================================================"
    echo " TMA for Odoo demo: http://localhost:$HTTP_PORT   (database $DB)"
    echo "----------------------------------------------------------------"
    for entry in "${DEMO_LOGINS[@]}"; do
        IFS='|' read -r role login password <<<"$entry"
        if [ "$ENGLISH" = 1 ]; then
            # English-only demo: every client reads English.
            role="${role/ (French)/}"
            role="${role/ (English)/}"
            role="${role/French, /}"
        fi
        printf ' %-44s login: %-15s password: %s\n' "$role" "$login" "$password"
    done
    echo "================================================================"
    echo " Ctrl-C stops Odoo (PostgreSQL keeps running in $PG_DIR)."
    echo
    # Threaded mode by default: it serves the web client's websocket (/websocket)
    # on the HTTP port itself. In multi-process mode (TMA_WORKERS=2, say) Odoo
    # serves websockets only on its gevent port (8072), so a reverse proxy must
    # route /websocket there, or the web client keeps reporting a lost
    # connection.
    WORKERS="${TMA_WORKERS:-0}"
    mapfile -t ODOO_CMD < <(tma_odoo_cmd)
    exec "${ODOO_CMD[@]}" -c "$CONF" -d "$DB" --workers "$WORKERS" --max-cron-threads 1
}

main "$@"; exit $?
