#!/usr/bin/env bash
# TMA for Odoo - refresh the readmes' pictures from the demo.
#
#   bash setup/screenshots.sh            build the demo (setup/demo.sh --reset),
#                                        serve it, shoot, stop it
#   bash setup/screenshots.sh --keep     shoot the demo database as it is
#                                        (created by setup/demo.sh when missing)
#
# It runs setup/demo.sh in the background on TMA_HTTP_PORT (default 8069),
# waits until Odoo answers, runs setup/screenshots.py against it (the PNG files
# under <addon>/static/description/; extra arguments after -- go to it, e.g.
# `-- --only contract_form`), then stops the Odoo it started. Review the
# pictures (git diff --stat, an image viewer) before committing them.
#
# Environment: as setup/demo.sh (TMA_PG_PORT, TMA_HTTP_PORT, TMA_DB,
# TMA_PYTHON, TMA_SKIP_PIP), TMA_CHROMIUM (default: chromium in PATH).
set -euo pipefail

# shellcheck source=setup/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$TMA_ROOT"

# stop_demo: stop the demo this script started (its process group: the
# Odoo that setup/demo.sh execs), whatever happens.
DEMO_PID=
stop_demo() {
    if [ -n "$DEMO_PID" ]; then
        kill -- -"$DEMO_PID" 2>/dev/null || true
        wait "$DEMO_PID" 2>/dev/null || true
    fi
}

main() {
    local reset=--reset arg
    local shot_args=()
    while [ $# -gt 0 ]; do
        arg="$1"
        shift
        case "$arg" in
        --keep) reset= ;;
        --)
            shot_args=("$@")
            break
            ;;
        -h | --help)
            sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *) tma_die "unknown option: $arg (use --keep, -- <screenshots.py options> or --help)" ;;
        esac
    done

    local port="${TMA_HTTP_PORT:-8069}" db="${TMA_DB:-tma_demo}"
    local log="$TMA_ROOT/.local/screenshots-demo.log" i
    mkdir -p "$TMA_ROOT/.local"
    if curl -sf -o /dev/null "http://localhost:$port/web/login"; then
        tma_die "something already answers on port $port: stop it or set TMA_HTTP_PORT"
    fi
    tma_log "building and serving the demo (log: $log)"
    # setsid: the demo and the Odoo it execs get a process group of their own,
    # stopped as a whole at the end.
    setsid bash setup/demo.sh ${reset:+"$reset"} >"$log" 2>&1 &
    DEMO_PID=$!
    trap stop_demo EXIT
    for ((i = 0; i < 1800; i++)); do
        if curl -sf -o /dev/null "http://localhost:$port/web/login"; then
            break
        fi
        if ! kill -0 "$DEMO_PID" 2>/dev/null; then
            tail -n 30 "$log" >&2
            tma_die "setup/demo.sh stopped before serving (log: $log)"
        fi
        sleep 1
    done
    curl -sf -o /dev/null "http://localhost:$port/web/login" ||
        tma_die "the demo did not answer on port $port within 30 minutes (log: $log)"
    "$TMA_PYTHON" setup/screenshots.py --url "http://localhost:$port" --db "$db" \
        "${shot_args[@]}"
}

main "$@"
