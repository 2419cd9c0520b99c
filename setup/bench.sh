#!/usr/bin/env bash
# TMA for Odoo - benchmarks. Prints figures; asserts nothing about time.
#
#   bash setup/bench.sh [contract] [options]   tma_contract (default)
#   bash setup/bench.sh sla [options]          tma_sla against OCA helpdesk_mgmt_sla
#   bash setup/bench.sh reversibility [options] tma_reversibility packages
#   bash setup/bench.sh preventive [options]   the preventive cron of tma_contract
#   bash setup/bench.sh availability [options] availability commitments of tma_sla
#
# Starts the project-local PostgreSQL cluster of the benchmarks in .local/pg-bench
# (port TMA_BENCH_PG_PORT, default 55434), creates a fresh database tma_bench
# with the suite (no demo data; with OCA helpdesk_mgmt_sla for the sla
# benchmark) and runs benchmarks/bench_tma_<name>.py on it. Options are passed
# to the script (see its --help), e.g.
#   bash setup/bench.sh --contracts 1000 --tickets 2000 --portal-sizes 10,1000,10000
#   bash setup/bench.sh sla --tickets 10000 --timers 100000 --due 2000 --kpi-tickets 50000
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
BENCH=contract
case "${1:-}" in
contract | sla | reversibility | preventive | availability)
    BENCH="$1"
    shift
    ;;
esac
MODULES="$(tma_suite_modules)"
if [ "$BENCH" = sla ]; then
    MODULES="$MODULES,helpdesk_mgmt_sla"
fi
tma_start_pg "$PG_DIR" "$PG_PORT"
trap 'tma_stop_pg "$PG_DIR"' EXIT
tma_write_odoo_conf "$CONF" "$PG_PORT" "$DATA_DIR" "${TMA_BENCH_HTTP_PORT:-8079}"
if tma_db_exists "$PG_DIR" "$PG_PORT" "$DB"; then
    tma_drop_db "$PG_DIR" "$PG_PORT" "$DB" "$DATA_DIR"
fi
tma_log "creating $DB with $MODULES (no demo data)"
tma_odoo -c "$CONF" -d "$DB" -i "$MODULES" --without-demo=all --stop-after-init \
    >"$LOCAL/bench-install.log" 2>&1 || tma_die "install failed, see $LOCAL/bench-install.log"
"$TMA_PYTHON" "benchmarks/bench_tma_$BENCH.py" -c "$CONF" -d "$DB" "$@" 2> >(
    grep -v " INFO " >&2
)
