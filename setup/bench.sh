#!/usr/bin/env bash
# TMA for Odoo - benchmarks. Prints figures; asserts nothing about time.
#
#   bash setup/bench.sh [contract] [options]   tma_contract (default)
#   bash setup/bench.sh sla [options]          tma_sla against OCA helpdesk_mgmt_sla
#   bash setup/bench.sh reversibility [options] tma_reversibility packages
#   bash setup/bench.sh preventive [options]   the preventive cron of tma_contract
#   bash setup/bench.sh availability [options] availability commitments of tma_sla
#   bash setup/bench.sh large [--reuse] [--dataset-args "ARGS"] [options]
#                                            budgets on a demo-sized and a large
#                                            provider (see below)
#
# Starts the project-local PostgreSQL cluster of the benchmarks in .local/pg-bench
# (port TMA_BENCH_PG_PORT, default 55434), creates a fresh database tma_bench
# with the suite (no demo data; with OCA helpdesk_mgmt_sla for the sla
# benchmark) and runs benchmarks/bench_tma_<name>.py on it. Options are passed
# to the script (see its --help), e.g.
#   bash setup/bench.sh --contracts 1000 --tickets 2000 --portal-sizes 10,1000,10000
#   bash setup/bench.sh sla --tickets 10000 --timers 100000 --due 2000 --kpi-tickets 50000
#
# `large` builds two databases instead, both with the suite's demo data (with
# OCA helpdesk_mgmt_sla) and a history played by setup/demo_history.py:
# tma_budget_demo (the generator's demo size) and tma_budget_large (the
# generator's large size, or the generator options of --dataset-args, e.g.
# --dataset-args "--contracts 20 --months 12"), then prints each budget of
# benchmarks/bench_tma_large.py on both. --reuse keeps the databases that
# exist already (building the large one takes up to 30 minutes; the figures
# are labelled with the generator options it was built with): without it both
# are built again.
set -euo pipefail

# shellcheck source=setup/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$TMA_ROOT"

PG_PORT="${TMA_BENCH_PG_PORT:-55434}"
LOCAL="$TMA_ROOT/.local"
PG_DIR="$LOCAL/pg-bench"
CONF="$LOCAL/odoo-bench.conf"
DATA_DIR="$LOCAL/filestore-bench"
DB="tma_bench"

tma_require_odoo
if [ "${TMA_SKIP_PIP:-0}" != 1 ]; then
    "$TMA_PYTHON" -m pip install -q -r requirements.txt ||
        tma_die "pip install -r requirements.txt failed"
fi
tma_require_system_packages

# large_build DB SIZE [GENERATOR ARGS...]: the demo's provider, the suite with
# its demo data, then the history of setup/demo_history.py (as setup/demo.sh
# builds the demo), unless DB exists and --reuse was given.
large_build() {
    local db="$1" size="$2" log="$LOCAL/bench-$1.log"
    shift 2
    if tma_db_exists "$PG_DIR" "$PG_PORT" "$db"; then
        if [ "$REUSE" = 1 ]; then
            tma_log "--reuse: keeping $db (generator options: $(cat "$LOCAL/bench-$db.args" 2>/dev/null))"
            return 0
        fi
        tma_drop_db "$PG_DIR" "$PG_PORT" "$db" "$DATA_DIR"
    fi
    # What the database was made with, for the figures' label when reused.
    echo "$*" >"$LOCAL/bench-$db.args"
    tma_log "creating $db with $MODULES and demo data, then its $size history (log: $log)"
    {
        tma_odoo -c "$CONF" -d "$db" -i base,web --load-language en_US,fr_FR \
            --stop-after-init &&
            "$TMA_PYTHON" setup/demo_company.py -c "$CONF" -d "$db" &&
            tma_odoo -c "$CONF" -d "$db" -i "$MODULES" --load-language en_US,fr_FR \
                --stop-after-init &&
            "$TMA_PYTHON" setup/demo_history.py -c "$CONF" -d "$db" "$@"
    } >"$log" 2>&1 || {
        tma_drop_db "$PG_DIR" "$PG_PORT" "$db" "$DATA_DIR"
        tma_die "building $db failed, see $log (the database was dropped)"
    }
}

# large_main [--reuse] [--dataset-args "ARGS"] [bench_tma_large.py options]
large_main() {
    REUSE=0
    local dataset="" rest=() demo_args=() large_args=()
    while [ $# -gt 0 ]; do
        case "$1" in
        --reuse) REUSE=1 ;;
        --dataset-args)
            dataset="$2"
            shift
            ;;
        *) rest+=("$1") ;;
        esac
        shift
    done
    # The generator's sizes, once it has them; before, its default (the
    # demo's year) and the benchmarks' size its docstring names.
    if "$TMA_PYTHON" setup/demo_history.py --help 2>/dev/null | grep -q -- --size; then
        demo_args=(--size demo)
        large_args=(--size large)
    else
        large_args=(--contracts 300 --months 36)
    fi
    if [ -n "$dataset" ]; then
        read -r -a large_args <<<"$dataset"
    fi
    large_build tma_budget_demo demo "${demo_args[@]}"
    large_build tma_budget_large large "${large_args[@]}"
    "$TMA_PYTHON" benchmarks/bench_tma_large.py -c "$CONF" \
        --demo tma_budget_demo --large tma_budget_large \
        --large-label "$(cat "$LOCAL/bench-tma_budget_large.args" 2>/dev/null)" \
        "${rest[@]}" 2> >(grep -v " INFO " >&2)
}

BENCH=contract
case "${1:-}" in
contract | sla | reversibility | preventive | availability | large)
    BENCH="$1"
    shift
    ;;
esac
MODULES="$(tma_suite_modules)"
if [ "$BENCH" = sla ] || [ "$BENCH" = large ]; then
    MODULES="$MODULES,helpdesk_mgmt_sla"
fi
tma_start_pg "$PG_DIR" "$PG_PORT"
trap 'tma_stop_pg "$PG_DIR"' EXIT
tma_write_odoo_conf "$CONF" "$PG_PORT" "$DATA_DIR" "${TMA_BENCH_HTTP_PORT:-8079}"
if [ "$BENCH" = large ]; then
    large_main "$@"
    exit 0
fi
if tma_db_exists "$PG_DIR" "$PG_PORT" "$DB"; then
    tma_drop_db "$PG_DIR" "$PG_PORT" "$DB" "$DATA_DIR"
fi
tma_log "creating $DB with $MODULES (no demo data)"
tma_odoo -c "$CONF" -d "$DB" -i "$MODULES" --without-demo=all --stop-after-init \
    >"$LOCAL/bench-install.log" 2>&1 || tma_die "install failed, see $LOCAL/bench-install.log"
"$TMA_PYTHON" "benchmarks/bench_tma_$BENCH.py" -c "$CONF" -d "$DB" "$@" 2> >(
    grep -v " INFO " >&2
)
