# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Concurrency under load, against the multi-process server: for a bounded
time, client processes open tickets in the portal, engineer processes value,
record, move and close them, and an administrator runs the crons by hand
while the server's cron workers run them too. Then every balance, ledger
entry and breach notification is checked against its rule, and the server
log must hold no error.

The figures it prints (requests served, refusals, serialization failures
replayed by Odoo) are not asserted: they change from run to run."""

import os
import time

import loadrun
import pytest

SECONDS = int(os.environ.get("TMA_E2E_LOAD_SECONDS", "90"))


@pytest.fixture(scope="module")
def load_world(rpc, db, settings):
    return loadrun.build_world(rpc, db)


def test_balances_ledger_and_breaches_hold_under_parallel_load(
    server, settings, db, rpc, load_world
):
    world = load_world
    offset = server.log_offset()
    started = time.monotonic()
    results = loadrun.run_load(server, settings, world, SECONDS)
    elapsed = time.monotonic() - started
    loadrun.drain_breaches(db, rpc, world["crons"][0])
    loadrun.drain_packages(db, tuple(world["contracts"].values()))

    # What people saw: business refusals at most, never an error, never the
    # database's concurrency control.
    errors = [error for result in results for error in result["errors"]]
    assert not errors, "\n".join(errors[:30])
    print(
        f"\nload: {elapsed:.0f} s, {loadrun.CLIENTS} clients, "
        f"{loadrun.ENGINEERS} engineers, "
        f"{loadrun.CRON_RUNNERS} cron runners against {len(server.nodes)} nodes of "
        f"{settings.workers} HTTP workers and {settings.cron_workers} cron workers"
    )
    loadrun.check_invariants(server, db, world, results, offset)
