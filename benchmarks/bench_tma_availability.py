#!/usr/bin/env python3
# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Benchmark of the availability commitments of tma_sla: prints figures,
asserts nothing about time.

Usage: python3 benchmarks/bench_tma_availability.py -c ODOO_CONF -d DB
       [--environments 1000] [--outages 50]

The database must have tma_sla installed; the benchmark commits its own data
(prefixed "BENCH") into it, so use a throwaway database
(``bash setup/bench.sh availability`` creates one).

Measures the availability of ``--environments`` commitments (half on the
French business-hours calendar, half around the clock) over a year holding
``--outages`` outages per environment (one in five planned), in one call of
``_get_availability``: the engine asks each calendar once.
"""

import argparse
import logging
import random
import time
from datetime import datetime, timedelta

import odoo
from odoo import fields


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--environments", type=int, default=1000)
    parser.add_argument("--outages", type=int, default=50)
    return parser.parse_args()


def make_data(env, environments, outages, year_start):
    partner = env["res.partner"].create({"name": "BENCH client", "is_company": True})
    contract = env["tma.contract"].create(
        {
            "partner_id": partner.id,
            "mode": "ticket_book",
            "date_start": fields.Date.today(),
        }
    )
    contract.with_context(tma_transition=True).write({"state": "active"})
    application = env["tma.application"].create(
        {"name": "BENCH ERP", "partner_id": partner.id}
    )
    envs = env["tma.application.environment"].create(
        [
            {"name": f"BENCH env {i}", "application_id": application.id}
            for i in range(environments)
        ]
    )
    calendar = env.ref("tma_sla.resource_calendar_tma_fr")
    commitments = env["tma.sla.availability.target"].create(
        [
            {
                "contract_id": contract.id,
                "environment_id": e.id,
                "target": 99.5,
                "coverage": "calendar" if i % 2 else "24_7",
                "calendar_id": calendar.id,
            }
            for i, e in enumerate(envs)
        ]
    )
    # Outages by SQL (bench data only): one every year/outages, an hour or two.
    rng = random.Random(13)
    step = timedelta(days=365) / outages
    rows = []
    for e in envs:
        for n in range(outages):
            start = year_start + step * n + timedelta(minutes=rng.randint(0, 600))
            end = start + timedelta(minutes=rng.randint(10, 120))
            kind = "planned" if n % 5 == 0 else "unplanned"
            rows.append((e.id, kind, start, end))
    env.cr.execute(
        """INSERT INTO tma_sla_outage
                (name, environment_id, partner_id, company_id, kind,
                 date_start, date_end, create_date, write_date)
           SELECT 'BENCH outage', r.env, %s, %s, r.kind, r.s, r.e, now(), now()
             FROM unnest(%s::int[], %s::varchar[], %s::timestamp[],
                         %s::timestamp[]) AS r(env, kind, s, e)""",
        (
            partner.id,
            env.company.id,
            [r[0] for r in rows],
            [r[1] for r in rows],
            [r[2] for r in rows],
            [r[3] for r in rows],
        ),
    )
    return commitments.ids, len(rows)


def main():
    args = parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    odoo.tools.config["workers"] = 0
    logging.getLogger("odoo.sql_db").setLevel(logging.CRITICAL)
    registry = odoo.modules.registry.Registry(args.database)
    from odoo.addons.tma_contract.tools.workers import committed_env, run_committed

    year_start = datetime(2026, 1, 1)
    year_end = datetime(2027, 1, 1)
    start = time.perf_counter()
    _status, (ids, count) = run_committed(
        registry,
        lambda env: make_data(env, args.environments, args.outages, year_start),
    )
    print(
        f"setup: {len(ids)} commitments, {count} outages "
        f"in {time.perf_counter() - start:.1f} s"
    )
    print("\n## Availability over 2026, all commitments in one call")
    print("| run | commitments | outages | queries | seconds |")
    print("|---|---:|---:|---:|---:|")
    with registry.cursor() as cr:
        env = committed_env(registry, cr)
        commitments = env["tma.sla.availability.target"].browse(ids)
        for run in ("cold calendar cache", "warm calendar cache"):
            env.invalidate_all()
            queries = cr.sql_log_count
            began = time.perf_counter()
            figures = commitments._get_availability(year_start, year_end)
            elapsed = time.perf_counter() - began
            print(
                f"| {run} | {len(ids)} | {count} | {cr.sql_log_count - queries} | "
                f"{elapsed:.2f} |"
            )
        values = sorted(f["availability"] for f in figures.values())
        print(
            f"\navailability: min {values[0]:.3f} %, median "
            f"{values[len(values) // 2]:.3f} %, max {values[-1]:.3f} %; "
            f"under 99.5 %: {sum(v < 99.5 for v in values)}"
        )
        cr.rollback()


if __name__ == "__main__":
    main()
