#!/usr/bin/env python3
# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Benchmark of tma_contract: prints figures, asserts nothing about time.

Usage: python3 benchmarks/bench_tma_contract.py -c ODOO_CONF -d DB [--contracts N]
       [--tickets M] [--portal-sizes 10,1000,10000]

The database must have tma_contract installed; the benchmark commits its own
data (prefixed "BENCH") into it, so use a throwaway database (setup/bench.sh
creates one).

Measures:
1. consumption posting throughput with 1 and 8 concurrent workers (threads with
   their own PostgreSQL connections, committing each posting, replaying
   serialization failures), on separate contracts and on one shared contract;
2. queries of the portal contract page (through Odoo's WSGI application, as a
   logged-in portal user) as the ledger grows;
3. the cost of reading balances and ledger figures for many contracts.
"""

import argparse
import logging
import threading
import time
from functools import partial

import odoo
from odoo import fields
from odoo.sql_db import db_connect


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--contracts", type=int, default=1000)
    parser.add_argument("--tickets", type=int, default=2000)
    parser.add_argument("--portal-sizes", default="10,1000,10000")
    return parser.parse_args()


class Bench:
    def __init__(self, dbname):
        self.dbname = dbname
        self.registry = odoo.modules.registry.Registry(dbname)
        self.retries = 0
        # Importable once the registry has set the addons path up.
        from odoo.addons.tma_contract.tools import workers as common

        self._committed_env = common.committed_env
        self._run_committed = common.run_committed

    # -- plumbing -------------------------------------------------------
    def env(self, cr):
        return self._committed_env(self.registry, cr)

    def run(self, func):
        """Run func(env) in its own committed transaction, replaying
        serialization failures like Odoo's request dispatcher; None when the
        call is refused (UserError)."""

        def count_retry():
            self.retries += 1

        return self._run_committed(
            self.registry, func, tries=20, backoff=0.01, on_retry=count_retry
        )[1]

    # -- data -----------------------------------------------------------
    def make_contracts(self, count, units_each, tickets_each):
        def build(env):
            partners = env["res.partner"].create(
                [
                    {"name": f"BENCH client {i}", "is_company": True}
                    for i in range(count)
                ]
            )
            contracts = env["tma.contract"].create(
                [
                    {
                        "partner_id": p.id,
                        "mode": "ticket_book",
                        "date_start": fields.Date.today(),
                        "low_balance_threshold": 0,
                        "valuation_rule_ids": [
                            fields.Command.create({"complexity": "simple", "units": 1})
                        ],
                    }
                    for p in partners
                ]
            )
            contracts.with_context(tma_transition=True).write({"state": "active"})
            env["tma.unit.book"].create(
                [
                    {"contract_id": c.id, "name": "BENCH book", "units": units_each}
                    for c in contracts
                ]
            )
            tickets = env["helpdesk.ticket"].create(
                [
                    {
                        "name": f"BENCH ticket {i}",
                        "description": "<p>bench</p>",
                        "partner_id": c.partner_id.id,
                        "tma_contract_id": c.id,
                    }
                    # Round-robin: consecutive tickets belong to different contracts.
                    for i in range(tickets_each)
                    for c in contracts
                ]
            )
            return contracts.ids, tickets.ids

        return self.run(build)

    # -- 1. throughput --------------------------------------------------
    def throughput(self, workers, ticket_ids):
        queue = list(ticket_ids)
        lock = threading.Lock()
        done = [0]

        def consume(env, ticket_id):
            ticket = env["helpdesk.ticket"].browse(ticket_id)
            return ticket.tma_contract_id._post_consumption(1.0, ticket=ticket)

        def worker():
            while True:
                with lock:
                    if not queue:
                        return
                    ticket_id = queue.pop()
                if self.run(partial(consume, ticket_id=ticket_id)):
                    with lock:
                        done[0] += 1

        self.retries = 0
        threads = [threading.Thread(target=worker) for _i in range(workers)]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - start
        return done[0], elapsed, self.retries

    # -- 2. portal page queries -----------------------------------------
    def portal_queries(self, sizes):
        from werkzeug.test import Client

        from odoo.service import security

        def setup(env):
            partner = env["res.partner"].create(
                {"name": "BENCH portal client", "is_company": True}
            )
            contact = env["res.partner"].create(
                {"name": "BENCH portal user", "parent_id": partner.id}
            )
            user = env["res.users"].create(
                {
                    "login": f"bench.portal.{time.time_ns()}",
                    "partner_id": contact.id,
                    "groups_id": [
                        fields.Command.set([env.ref("base.group_portal").id])
                    ],
                }
            )
            contract = env["tma.contract"].create(
                {
                    "partner_id": partner.id,
                    "mode": "ticket_book",
                    "date_start": fields.Date.today(),
                }
            )
            contract.with_context(tma_transition=True).write({"state": "active"})
            ticket = env["helpdesk.ticket"].create(
                {
                    "name": "BENCH portal ticket",
                    "description": "<p>x</p>",
                    "partner_id": contact.id,
                    "tma_contract_id": contract.id,
                }
            )
            env["tma.unit.book"].create(
                {
                    "contract_id": contract.id,
                    "name": "BENCH big book",
                    "units": max(sizes) * 2,
                }
            )
            return user.id, contract.id, ticket.id

        uid, contract_id, ticket_id = self.run(setup)
        session = odoo.http.root.session_store.new()
        session.update(odoo.http.get_default_session(), db=self.dbname)
        with db_connect(self.dbname).cursor() as cr:
            env = self.env(cr)
            session.uid = uid
            session.login = env["res.users"].browse(uid).login
            session.session_token = security.compute_session_token(session, env)
            session.context = dict(env["res.users"].browse(uid).context_get())
        odoo.http.root.session_store.save(session)
        client = Client(odoo.http.root)
        client.set_cookie("localhost", "session_id", session.sid)
        url = f"/my/tma/contracts/{contract_id}"
        results = []
        entries = 1  # the credit
        for size in sizes:

            def grow(env, n):
                contract = env["tma.contract"].browse(contract_id)
                # A ticket has one live consumption: the ledger grows with
                # consumptions of no ticket.
                for _i in range(n):
                    contract._post_consumption(0.5)
                return True

            missing = size - entries
            while missing > 0:
                chunk = min(missing, 500)
                self.run(partial(grow, n=chunk))
                missing -= chunk
                entries += chunk
            client.get(url, headers={"Host": "localhost"})  # warm-up
            before = odoo.sql_db.sql_counter
            start = time.perf_counter()
            response = client.get(url, headers={"Host": "localhost"})
            elapsed = time.perf_counter() - start
            queries = odoo.sql_db.sql_counter - before
            assert response.status_code == 200, response.status_code
            results.append((entries, queries, elapsed))
        return results

    # -- 3. balances of many contracts ----------------------------------
    def read_balances(self, contract_ids):
        with db_connect(self.dbname).cursor() as cr:
            env = self.env(cr)
            contracts = env["tma.contract"].browse(contract_ids)
            before = odoo.sql_db.sql_counter
            start = time.perf_counter()
            contracts.read(["balance"])
            t_balance = time.perf_counter() - start
            q_balance = odoo.sql_db.sql_counter - before
            env.invalidate_all()
            before = odoo.sql_db.sql_counter
            start = time.perf_counter()
            contracts.read(
                ["balance", "units_credited", "units_consumed", "units_month"]
            )
            t_figures = time.perf_counter() - start
            q_figures = odoo.sql_db.sql_counter - before
        return t_balance, q_balance, t_figures, q_figures


def main():
    args = parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    odoo.tools.config["workers"] = 0
    # Replayed serialization failures are part of the measure, not errors.
    logging.getLogger("odoo.sql_db").setLevel(logging.CRITICAL)
    bench = Bench(args.database)
    sizes = [int(s) for s in args.portal_sizes.split(",")]
    per_contract = max(1, args.tickets // args.contracts)

    print(f"# tma_contract benchmark on {args.database}")
    start = time.perf_counter()
    contract_ids, ticket_ids = bench.make_contracts(
        args.contracts, units_each=per_contract * 10, tickets_each=per_contract
    )
    print(
        f"setup: {len(contract_ids)} contracts, {len(ticket_ids)} tickets "
        f"in {time.perf_counter() - start:.1f} s"
    )
    print("\n## 1. Consumption posting (one committed transaction per posting)")
    print("| workers | contracts | postings | seconds | postings/s | retries |")
    print("|---:|---|---:|---:|---:|---:|")
    half = len(ticket_ids) // 2
    _shared, shared_tickets = bench.make_contracts(
        1, units_each=10000, tickets_each=400
    )
    runs = (
        (1, "distinct", ticket_ids[:half]),
        (8, "distinct", ticket_ids[half:]),
        (1, "one shared", shared_tickets[:200]),
        (8, "one shared", shared_tickets[200:]),
    )
    for workers, label, chunk in runs:
        done, elapsed, retries = bench.throughput(workers, chunk)
        rate = done / elapsed
        print(
            f"| {workers} | {label} | {done} | {elapsed:.2f} | {rate:.0f} | {retries} |"
        )

    print("\n## 2. Portal contract page as the ledger grows")
    print("| ledger entries | queries | seconds |")
    print("|---:|---:|---:|")
    for entries, queries, elapsed in bench.portal_queries(sizes):
        print(f"| {entries} | {queries} | {elapsed:.3f} |")

    print(f"\n## 3. Reading {len(contract_ids)} contracts")
    t_balance, q_balance, t_figures, q_figures = bench.read_balances(contract_ids)
    print("| fields | queries | seconds |")
    print("|---|---:|---:|")
    print(f"| balance | {q_balance} | {t_balance:.3f} |")
    print(f"| balance + credited/consumed/month | {q_figures} | {t_figures:.3f} |")


if __name__ == "__main__":
    main()
