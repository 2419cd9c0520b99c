# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The load test's world, its run and the rules checked after it, shared by
the load test (test_load.py) and the fault tests (test_faults.py): three
clients with a contract each under one-minute commitments, the people of
load.py working on them in processes of their own, then every balance,
ledger entry, breach notification and package checked."""

import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import load
import pytest
from conftest import ADMIN, ENGINEER

CLIENTS = 3
ENGINEERS = 3
CRON_RUNNERS = 2
PACKAGE_REQUESTERS = 2
GRID = [
    (0, 0, {"complexity": "simple", "units": 1.0}),
    (0, 0, {"complexity": "medium", "units": 3.0}),
    (0, 0, {"complexity": "complex", "units": 8.0}),
]
# Three contracts, one per rule a balance must keep, sold by sale orders.
CONTRACTS = {
    # a ticket book of 150 units that refuses any consumption beyond its books
    "block": ("tma_contract.product_pack_10", 15),
    # a ticket book of 50 units with an overdraft of 6 units, invoiced as overage
    "overdraft": ("tma_contract.product_pack_10", 5),
    # capped time and materials: 100 units a month plus 5 of overdraft
    "regie": ("tma_contract.product_tma_regie", 100),
}
POLICY_VALUES = {
    "block": {"overdraft_policy": "block"},
    "overdraft": {"overdraft_policy": "allow", "overdraft_limit": 6.0},
    "regie": {
        "overdraft_policy": "allow",
        "overdraft_limit": 5.0,
        "monthly_volume": 100.0,
        "volume_uom": "units",
    },
}


def build_world(rpc, db, tag=""):
    """Three clients with a portal user and a contract each, sold by sale
    orders, under a policy whose commitments fall due within a minute (24/7),
    so that breaches happen while the load runs; ``tag`` sets the names and
    logins of one world apart from another's."""
    admin = rpc(ADMIN)
    policy = admin.call(
        "tma.sla.policy",
        "create",
        {
            "name": f"Load test{tag}: one-minute commitments",
            "target_ids": [
                (
                    0,
                    0,
                    {
                        "criticality": criticality,
                        "metric": metric,
                        "duration": 1,
                        "duration_unit": "minute",
                    },
                )
                for criticality in ("blocking", "major", "minor")
                for metric in ("acknowledgement", "resolution")
            ],
        },
    )
    team = db.xmlid("tma_contract.team_tma")
    portal = db.xmlid("base.group_portal")
    world = {"contracts": {}, "logins": {}}
    for key, (product, quantity) in CONTRACTS.items():
        company = admin.call(
            "res.partner",
            "create",
            {
                "name": f"Load client {key}{tag}",
                "is_company": True,
                "email": f"{key}{tag}@x.test",
            },
        )
        contact = admin.call(
            "res.partner",
            "create",
            {
                "name": f"Contact {key}{tag}",
                "parent_id": company,
                "email": f"c.{key}{tag}@x.test",
            },
        )
        login = f"load{tag}.{key}"
        admin.call(
            "res.users",
            "create",
            {
                "name": f"Contact {key}{tag}",
                "login": login,
                "password": login,
                "partner_id": contact,
                "groups_id": [(6, 0, [portal])],
            },
        )
        order = admin.call(
            "sale.order",
            "create",
            {
                "partner_id": company,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": db.xmlid(product),
                            "product_uom_qty": quantity,
                        },
                    )
                ],
            },
        )
        admin.call("sale.order", "action_confirm", [order])
        contract = admin.call("sale.order", "read", [order], ["tma_contract_id"])[0][
            "tma_contract_id"
        ][0]
        admin.call(
            "tma.contract",
            "write",
            [contract],
            {
                "title": f"Load {key}{tag}",
                "team_ids": [(6, 0, [team])],
                "valuation_rule_ids": GRID,
                "sla_policy_id": policy,
                "sla_coverage": "24_7",
                **POLICY_VALUES[key],
            },
        )
        admin.call("tma.contract", "action_activate", [contract])
        world["contracts"][key] = contract
        world["logins"][key] = login
        world["partners"] = {**world.get("partners", {}), key: company}
    # A second ticket book of the overdraft client: engineers move tickets
    # between its two contracts while others record them.
    spare = admin.call(
        "tma.contract",
        "create",
        {
            "title": f"Load overdraft{tag} (second book)",
            "partner_id": world["partners"]["overdraft"],
            "mode": "ticket_book",
            "team_ids": [(6, 0, [team])],
            "valuation_rule_ids": GRID,
            "sla_policy_id": policy,
            "sla_coverage": "24_7",
            "overdraft_policy": "block",
        },
    )
    admin.call("tma.contract", "action_activate", [spare])
    admin.call(
        "tma.unit.book",
        "create",
        {"contract_id": spare, "name": "Load spare book", "units": 40.0},
    )
    world["contracts"]["spare"] = spare
    world["pair"] = (world["contracts"]["overdraft"], spare)
    stages = dict(db.rows("SELECT name->>'en_US', id FROM helpdesk_ticket_stage"))
    world["stages"] = {
        "open": [stages["New"], stages["In Progress"], stages["Awaiting"]],
        "done": stages["Done"],
    }
    world["crons"] = [
        db.xmlid("tma_sla.ir_cron_tma_sla_check"),
        db.xmlid("tma_contract.ir_cron_tma_expire_books"),
    ]
    # "Awaiting" pauses the timers of the load policy.
    admin.call(
        "tma.sla.policy",
        "write",
        [policy],
        {"pause_stage_ids": [(6, 0, [stages["Awaiting"]])]},
    )
    return world


def run_load(server, settings, world, seconds, cron_ids=None):
    """Run the load for ``seconds``: clients, engineers, administrators
    running ``cron_ids`` by hand (default: the world's crons) and asking for
    packages, each in a process of its own; returns what each did and saw."""
    base, dbname = server.url, settings.db
    cron_ids = world["crons"] if cron_ids is None else cron_ids
    ids = list(world["contracts"].values())
    jobs = []
    with ProcessPoolExecutor(
        max_workers=CLIENTS + ENGINEERS + CRON_RUNNERS + PACKAGE_REQUESTERS,
        mp_context=get_context("spawn"),
    ) as pool:
        for key, contract in world["contracts"].items():
            if key not in world["logins"]:
                continue
            jobs.append(
                pool.submit(
                    load.client,
                    base,
                    dbname,
                    world["logins"][key],
                    contract,
                    seconds,
                    1,
                )
            )
        for seed in range(ENGINEERS):
            jobs.append(
                pool.submit(
                    load.engineer,
                    base,
                    dbname,
                    ENGINEER,
                    ids,
                    world["stages"],
                    seconds,
                    100 + seed,
                    world["pair"],
                )
            )
        for seed in range(CRON_RUNNERS):
            jobs.append(
                pool.submit(
                    load.cron_runner, base, dbname, ADMIN, cron_ids, seconds, seed
                )
            )
        for seed in range(PACKAGE_REQUESTERS):
            jobs.append(
                pool.submit(
                    load.package_requester, base, dbname, ADMIN, ids, seconds, seed
                )
            )
        return [job.result() for job in jobs]


def drain_breaches(db, rpc, cron_id, timeout=120):
    """After the load: run the SLA cron until no breach waits to be notified."""
    deadline = time.monotonic() + timeout
    while True:
        waiting = db.value(
            """SELECT count(*) FROM tma_sla_timer
                WHERE breach_notified IS NOT TRUE
                  AND (status = 'breached'
                       OR (status = 'running'
                           AND deadline <= now() at time zone 'UTC'))"""
        )
        if not waiting:
            return
        assert time.monotonic() < deadline, f"{waiting} breaches never notified"
        try:
            rpc(ADMIN).call("ir.cron", "method_direct_trigger", [cron_id])
        except Exception:  # noqa: BLE001 - a cron worker holds it: wait
            time.sleep(1)


def drain_packages(db, contract_ids, timeout=300):
    """After the load: wait for the cron workers to build every package."""
    deadline = time.monotonic() + timeout
    while db.value(
        """SELECT count(*) FROM tma_reversibility_package
            WHERE contract_id IN %s AND state IN ('queued', 'running')""",
        (contract_ids,),
    ):
        assert time.monotonic() < deadline, "packages never built"
        time.sleep(1)


def overlapping_runs(runs):
    """Runs of one scheduled action that overlap in time (two processes, on
    one node or two, processing the same cron at once)."""
    overlaps = []
    by_cron = {}
    for cron_id, pid, start, end in runs:
        by_cron.setdefault(cron_id, []).append((start, end, pid))
    for cron_id, intervals in by_cron.items():
        intervals.sort()
        for (start1, end1, pid1), (start2, end2, pid2) in zip(
            intervals, intervals[1:], strict=False
        ):
            if start2 < end1:
                overlaps.append((cron_id, (pid1, start1, end1), (pid2, start2, end2)))
    return overlaps


def check_invariants(server, db, world, results, offset):
    """After a load run (drained): the figures people saw, then every rule
    the load must keep: balances equal to their ledgers, one live
    consumption per ticket, each breach notified once, no cron run twice at
    once, each package built once."""
    log = server.log_since(offset)
    totals = {}
    for result in results:
        for what, count in result["counts"].items():
            totals[what] = totals.get(what, 0) + count
    replays = log.count("tries left, try again")
    exhausted = log.count("maximum number of tries reached")
    for what, count in sorted(totals.items()):
        print(f"  {what}: {count}")
    print(f"  serialization failures replayed by Odoo: {replays}")
    assert totals.get("ticket created", 0) > 0
    assert totals.get("record", 0) > 0
    assert totals.get("move", 0) > 0
    assert totals.get("cron", 0) > 0
    assert exhausted == 0, "a request failed after Odoo's last replay"

    contracts = world["contracts"]
    ids = tuple(contracts.values())

    # Every balance is the sum of its ledger, and every book's remainder the
    # sum of its allocations; no book is overdrawn.
    for contract_id, balance, ledger in db.rows(
        """SELECT c.id, c.balance, COALESCE(SUM(e.units), 0)
             FROM tma_contract c LEFT JOIN tma_unit_entry e ON e.contract_id = c.id
            WHERE c.id IN %s GROUP BY c.id, c.balance""",
        (ids,),
    ):
        assert balance == pytest.approx(ledger), contract_id
    for book_id, units, remaining, drawn in db.rows(
        """SELECT b.id, b.units, b.units_remaining, COALESCE(SUM(a.units), 0)
             FROM tma_unit_book b
             LEFT JOIN tma_unit_allocation a ON a.book_id = b.id
            WHERE b.contract_id IN %s AND b.state != 'expired'
            GROUP BY b.id""",
        (ids,),
    ):
        assert remaining >= 0, book_id
        assert remaining == pytest.approx(units + drawn), book_id

    # No balance past its policy.
    block = contracts["block"]
    assert (
        db.value(
            "SELECT COALESCE(SUM(overage_units), 0) FROM tma_unit_entry "
            "WHERE contract_id = %s",
            (block,),
        )
        == 0
    )
    assert db.value("SELECT balance FROM tma_contract WHERE id = %s", (block,)) >= 0
    overage = db.value(
        "SELECT COALESCE(SUM(overage_units), 0) FROM tma_unit_entry "
        "WHERE contract_id = %s",
        (contracts["overdraft"],),
    )
    assert overage <= 6.0 + 1e-6
    month = db.value(
        """SELECT COALESCE(SUM(consumed_units), 0) FROM tma_unit_entry
            WHERE contract_id = %s
              AND date >= date_trunc('month', now() at time zone 'UTC')""",
        (contracts["regie"],),
    )
    assert month <= 100.0 + 5.0 + 1e-6

    # Each consumption is one ledger entry: a ticket has one live consumption
    # at most, exactly one when some recording of it succeeded, and every
    # reversal cancels exactly one entry.
    live = dict(
        db.rows(
            """SELECT ticket_id, count(*) FROM tma_unit_entry
                WHERE contract_id IN %s AND entry_type = 'consumption'
                  AND NOT is_reversed
                GROUP BY ticket_id""",
            (ids,),
        )
    )
    assert all(count == 1 for count in live.values()), live
    # ... on the contract the ticket is on, however often it was moved.
    astray = db.rows(
        """SELECT e.ticket_id, e.contract_id, t.tma_contract_id
             FROM tma_unit_entry e JOIN helpdesk_ticket t ON t.id = e.ticket_id
            WHERE e.contract_id IN %s AND e.entry_type = 'consumption'
              AND NOT e.is_reversed
              AND e.contract_id IS DISTINCT FROM t.tma_contract_id""",
        (ids,),
    )
    assert not astray, astray
    # Each contract's ledger is numbered 1..n without a gap.
    for contract_id, count, first, last in db.rows(
        """SELECT contract_id, count(*), min(sequence_number), max(sequence_number)
             FROM tma_unit_entry WHERE contract_id IN %s GROUP BY contract_id""",
        (ids,),
    ):
        assert (first, last) == (1, count), contract_id
    recorded = set()
    for result in results:
        recorded.update(int(t) for t in result["recorded"])
    assert recorded <= set(live), sorted(recorded - set(live))
    reversed_entries, reversals = db.rows(
        """SELECT count(*) FILTER (WHERE is_reversed),
                  count(*) FILTER (WHERE entry_type = 'reversal')
             FROM tma_unit_entry WHERE contract_id IN %s""",
        (ids,),
    )[0]
    assert reversed_entries == reversals

    # No breach notified twice, none forgotten.
    notified = db.rows(
        """SELECT t.ticket_id, t.metric FROM tma_sla_timer t
            WHERE t.contract_id IN %s AND t.breach_notified""",
        (ids,),
    )
    assert notified, "the load produced no breach: nothing was checked"
    counts = {
        (ticket_id, metric): count
        for ticket_id, metric, count in db.rows(
            """SELECT t.ticket_id, t.metric,
                      (SELECT count(*) FROM mail_message m
                        WHERE m.model = 'helpdesk.ticket' AND m.res_id = t.ticket_id
                          AND m.message_type = 'notification'
                          AND m.body::text LIKE '%%' || l.label
                                                || ' commitment breached%%')
                 FROM tma_sla_timer t
                 JOIN (VALUES ('acknowledgement', 'Acknowledgement'),
                              ('first_response', 'First response'),
                              ('workaround', 'Workaround'),
                              ('resolution', 'Resolution')) AS l (metric, label)
                   ON l.metric = t.metric
                WHERE t.contract_id IN %s AND t.breach_notified""",
            (ids,),
        )
    }
    all_notes = db.value(
        """SELECT count(*) FROM mail_message m
             JOIN helpdesk_ticket k ON k.id = m.res_id
            WHERE m.model = 'helpdesk.ticket' AND k.tma_contract_id IN %s
              AND m.message_type = 'notification'
              AND m.body::text LIKE '%%commitment breached%%'""",
        (ids,),
    )
    assert all_notes == len(notified)
    twice = {key: n for key, n in counts.items() if n != 1}
    assert not twice, f"breach notes per (ticket, metric) other than one: {twice}"
    print(f"  breaches notified: {len(notified)}, each exactly once")

    # Both nodes served the load.
    per_node = server.requests_per_node()
    print(f"  requests per node: {per_node}")
    assert all(per_node.values()), f"a node served no request: {per_node}"

    # No scheduled action ran in two processes at once, whichever node: each
    # cron batch was processed by one worker.
    runs = server.cron_runs_since(offset)
    print(f"  cron runs (cron workers and by hand, all nodes): {len(runs)}")
    assert runs, "no cron ran during the load"
    overlaps = overlapping_runs(runs)
    assert not overlaps, f"cron runs that overlap: {overlaps[:10]}"

    # No package built twice: each is done, with one archive at most and one
    # "ready" notice.
    packages = db.rows(
        """SELECT p.id, p.state,
                  (SELECT count(*) FROM ir_attachment a
                    WHERE a.res_model = 'tma.reversibility.package'
                      AND a.res_id = p.id),
                  (SELECT count(*) FROM mail_message m
                    WHERE m.model = 'tma.reversibility.package' AND m.res_id = p.id
                      AND m.body::text LIKE '%%package is ready%%')
             FROM tma_reversibility_package p WHERE p.contract_id IN %s""",
        (ids,),
    )
    assert packages, "no package was requested"
    for package_id, state, archives, notices in packages:
        assert state == "done", (package_id, state)
        # (a package whose content did not change reuses the previous archive)
        assert archives <= 1 and notices == 1, (package_id, archives, notices)
    print(f"  packages: {len(packages)}, each built once")
