#!/usr/bin/env python3
# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Benchmark of the preventive plans of tma_contract: prints figures, asserts
nothing about time.

Usage: python3 benchmarks/bench_tma_preventive.py -c ODOO_CONF -d DB
       [--plans 5000] [--contracts 100] [--batch 500]

The database must have tma_contract installed; the benchmark commits its own
data (prefixed "BENCH") into it, so use a throwaway database
(``bash setup/bench.sh preventive`` creates one).

Measures the preventive cron over ``--plans`` plan lines all due today: each
batch (one committed transaction, as one cron run) locks its lines, records
their occurrences and creates their tickets and checklists; the queries of a
batch do not depend on its number of lines. A second pass over the same day
shows the cron idempotent (nothing left to create).
"""

import argparse
import logging
import time

import odoo
from odoo import fields
from odoo.sql_db import db_connect


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--plans", type=int, default=5000)
    parser.add_argument("--contracts", type=int, default=100)
    parser.add_argument("--batch", type=int, default=500)
    return parser.parse_args()


def make_plans(env, plans, contracts):
    partners = env["res.partner"].create(
        [{"name": f"BENCH client {i}", "is_company": True} for i in range(contracts)]
    )
    team = env["helpdesk.ticket.team"].create({"name": "BENCH team"})
    contract_records = env["tma.contract"].create(
        [
            {
                "partner_id": partner.id,
                "mode": "ticket_book",
                "date_start": fields.Date.today(),
                "team_ids": [fields.Command.set(team.ids)],
            }
            for partner in partners
        ]
    )
    contract_records.with_context(tma_transition=True).write({"state": "active"})
    applications = env["tma.application"].create(
        [{"name": f"BENCH ERP {i}", "partner_id": p.id} for i, p in enumerate(partners)]
    )
    kinds = ["security", "performance", "backup", "upgrade", "configuration"]
    per_contract = plans // contracts
    env["tma.preventive.plan"].create(
        [
            {
                "name": f"BENCH audit {c}-{i}",
                "contract_id": contract.id,
                "application_id": application.id,
                "audit_kind": kinds[i % len(kinds)],
                "date_start": fields.Date.today(),
                "lead_days": 7,
                "checklist_template": "Check one\nCheck two\nCheck three",
                "estimated_units": 1.0,
            }
            for c, (contract, application) in enumerate(
                zip(contract_records, applications, strict=True)
            )
            for i in range(per_contract)
        ]
    )
    return per_contract * contracts


def run_batch(registry, batch):
    """One cron run in its own committed transaction: (plan lines, tickets,
    queries, seconds)."""
    with db_connect(registry.db_name).cursor() as cr:
        from odoo.addons.tma_contract.tools.workers import committed_env

        env = committed_env(registry, cr)
        before_tickets = _count(cr, "helpdesk_ticket")
        before_occ = _count(cr, "tma_preventive_occurrence")
        queries = cr.sql_log_count
        start = time.perf_counter()
        result = env["tma.preventive.plan"]._cron_generate_occurrences(batch_size=batch)
        env.flush_all()
        elapsed = time.perf_counter() - start
        queries = cr.sql_log_count - queries
        occurrences = _count(cr, "tma_preventive_occurrence") - before_occ
        tickets = _count(cr, "helpdesk_ticket") - before_tickets
        cr.commit()  # pylint: disable=invalid-commit
    return result is True, occurrences, tickets, queries, elapsed


def _count(cr, table):
    cr.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
    return cr.fetchone()[0]


def main():
    args = parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    odoo.tools.config["workers"] = 0
    logging.getLogger("odoo.sql_db").setLevel(logging.CRITICAL)
    registry = odoo.modules.registry.Registry(args.database)
    from odoo.addons.tma_contract.tools.workers import run_committed

    start = time.perf_counter()
    _status, total = run_committed(
        registry, lambda env: make_plans(env, args.plans, args.contracts)
    )
    print(
        f"setup: {total} plan lines on {args.contracts} contracts "
        f"in {time.perf_counter() - start:.1f} s"
    )
    print(f"\n## Preventive cron, batches of {args.batch} plan lines")
    print("| batch | occurrences | tickets | queries | seconds | tickets/s |")
    print("|---:|---:|---:|---:|---:|---:|")
    batch_no = 0
    created = 0
    elapsed_total = 0.0
    while True:
        idle, occurrences, tickets, queries, elapsed = run_batch(registry, args.batch)
        if idle:
            break
        batch_no += 1
        created += tickets
        elapsed_total += elapsed
        rate = tickets / elapsed if elapsed else 0
        print(
            f"| {batch_no} | {occurrences} | {tickets} | {queries} | "
            f"{elapsed:.2f} | {rate:.0f} |"
        )
    print(
        f"\ntotal: {created} tickets in {elapsed_total:.1f} s "
        f"({created / elapsed_total if elapsed_total else 0:.0f} tickets/s)"
    )
    idle, occurrences, tickets, queries, elapsed = run_batch(registry, args.batch)
    print(
        f"second pass on the same day: {occurrences} occurrences, {tickets} "
        f"tickets, {queries} queries, {elapsed:.3f} s"
    )


if __name__ == "__main__":
    main()
