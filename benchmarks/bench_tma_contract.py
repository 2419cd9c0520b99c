#!/usr/bin/env python3
# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Benchmark of tma_contract: prints figures, asserts nothing about time.

Usage: python3 benchmarks/bench_tma_contract.py -c ODOO_CONF -d DB [--contracts N]
       [--tickets M] [--portal-sizes 10,1000,10000]
       [--workers-mode processes|threads]

The database must have tma_contract installed; the benchmark commits its own
data (prefixed "BENCH") into it, so use a throwaway database (setup/bench.sh
creates one).

Measures:
1. consumption posting throughput with 1 and 8 concurrent workers, on separate
   contracts and on one shared contract. Each worker commits every posting on
   a PostgreSQL connection of its own and replays serialization failures. By
   default the workers are separate processes forked from the loaded
   registry, like Odoo's prefork workers; ``--workers-mode threads`` runs them
   as threads of this one process instead (they then share its GIL). After the
   runs, every balance is checked against its ledger, every book against its
   allocations, every ticket's consumption against the postings counted, and
   every ledger's numbers for gaps. In process mode each worker also reports
   the CPU time it used and the CPU time of its PostgreSQL backend (read
   from /proc), per posting: with two cores, eight workers cannot post faster
   than two cores divided by their sum, whatever the waiting they overlap;
2. queries of the portal contract page (through Odoo's WSGI application, as a
   logged-in portal user) as the ledger grows;
3. the cost of reading balances and ledger figures for many contracts.
"""

import argparse
import logging
import multiprocessing
import os
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
    parser.add_argument(
        "--workers-mode",
        choices=("processes", "threads"),
        default="processes",
        help="posting workers as forked processes (like Odoo's prefork "
        "workers, the default) or as threads of this process",
    )
    return parser.parse_args()


def backend_cpu(pid):
    """CPU seconds (user + system) a local PostgreSQL backend has used so
    far, from /proc; None when it cannot be read (a remote server)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields_ = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields_[11]) + int(fields_[12])) / os.sysconf("SC_CLK_TCK")


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
    @staticmethod
    def _consume(env, ticket_id):
        ticket = env["helpdesk.ticket"].browse(ticket_id)
        return ticket.tma_contract_id._post_consumption(1.0, ticket=ticket).id

    def throughput(self, workers, ticket_ids, mode="processes"):
        """(postings, seconds, replayed conflicts) of ``workers`` workers
        taking the tickets from one shared queue, one posting each."""
        if mode == "threads":
            return self._throughput_threads(workers, ticket_ids)
        return self._throughput_processes(workers, ticket_ids)

    def _throughput_threads(self, workers, ticket_ids):
        queue = list(ticket_ids)
        lock = threading.Lock()
        done = [0]

        def worker():
            while True:
                with lock:
                    if not queue:
                        return
                    ticket_id = queue.pop()
                if self.run(partial(self._consume, ticket_id=ticket_id)):
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
        # The backends' CPU is not followed per thread.
        return done[0], elapsed, self.retries, None, None

    def _throughput_processes(self, workers, ticket_ids):
        ctx = multiprocessing.get_context("fork")
        # The children inherit the loaded registry but no connection: each
        # opens its own, as Odoo's prefork workers do.
        odoo.sql_db.close_all()
        position = ctx.Value("i", 0)
        ready = ctx.Barrier(workers + 1)
        results = ctx.Queue()

        def worker():
            self.retries = 0
            done = 0
            backend = self._backend_pid()
            ready.wait()
            cpu_python = time.process_time()
            cpu_backend = backend_cpu(backend)
            while True:
                with position.get_lock():
                    index = position.value
                    position.value += 1
                if index >= len(ticket_ids):
                    break
                if self.run(partial(self._consume, ticket_id=ticket_ids[index])):
                    done += 1
            cpu_python = time.process_time() - cpu_python
            if self._backend_pid() == backend and cpu_backend is not None:
                cpu_backend = backend_cpu(backend) - cpu_backend
            else:
                cpu_backend = None
            odoo.sql_db.close_all()
            results.put((done, self.retries, cpu_python, cpu_backend))

        processes = [ctx.Process(target=worker) for _i in range(workers)]
        for process in processes:
            process.start()
        ready.wait(timeout=120)  # every child forked and waiting: the clock starts
        start = time.perf_counter()
        counts = [results.get() for _process in processes]
        elapsed = time.perf_counter() - start
        for process in processes:
            process.join()
            if process.exitcode:
                raise RuntimeError(f"a posting worker failed ({process.exitcode})")
        backends = [count[3] for count in counts]
        return (
            sum(count[0] for count in counts),
            elapsed,
            sum(count[1] for count in counts),
            sum(count[2] for count in counts),
            None if None in backends else sum(backends),
        )

    def _backend_pid(self):
        """The PostgreSQL backend of this process's pooled connection."""
        with db_connect(self.dbname).cursor() as cr:
            return cr._cnx.get_backend_pid()

    def check_ledgers(self, contract_ids, ticket_ids, postings):
        """Check what the runs left: every balance equals the sum of its
        ledger, every book's remainder its units plus its allocations, each
        ticket has exactly one consumption (none lost, none counted twice),
        and each ledger is numbered 1..n without gaps. Returns the lines to
        print; raises AssertionError on any difference."""
        with db_connect(self.dbname).cursor() as cr:
            cr.execute(
                """
                SELECT c.id FROM tma_contract c
                  LEFT JOIN tma_unit_entry e ON e.contract_id = c.id
                 WHERE c.id = ANY(%s)
                 GROUP BY c.id
                HAVING COALESCE(c.balance, 0) != COALESCE(SUM(e.units), 0)
                    OR COALESCE(c.entry_seq, 0) != COUNT(e.id)
                    OR COUNT(e.id) != COALESCE(MAX(e.sequence_number), 0)
                    OR COUNT(e.id) != COUNT(DISTINCT e.sequence_number)
                """,
                [contract_ids],
            )
            bad_contracts = [row[0] for row in cr.fetchall()]
            cr.execute(
                """
                SELECT b.id FROM tma_unit_book b
                  LEFT JOIN tma_unit_allocation a ON a.book_id = b.id
                 WHERE b.contract_id = ANY(%s)
                 GROUP BY b.id
                HAVING b.units_remaining != b.units + COALESCE(SUM(a.units), 0)
                """,
                [contract_ids],
            )
            bad_books = [row[0] for row in cr.fetchall()]
            cr.execute(
                """
                SELECT COUNT(*), COUNT(DISTINCT ticket_id),
                       COALESCE(SUM(consumed_units), 0)
                  FROM tma_unit_entry
                 WHERE entry_type = 'consumption' AND ticket_id = ANY(%s)
                """,
                [ticket_ids],
            )
            entries, tickets, units = cr.fetchone()
        assert not bad_contracts, f"balance != ledger on contracts {bad_contracts}"
        assert not bad_books, f"remainder != allocations on books {bad_books}"
        assert entries == tickets == postings == units, (
            f"{postings} postings counted, {entries} consumption entries on "
            f"{tickets} tickets, {units} units"
        )
        return [
            f"{len(contract_ids)} contracts: every balance equals the sum of "
            "its ledger, every ledger is numbered without gaps, every book's "
            "remainder equals its units plus its allocations",
            f"{postings} postings counted = {entries} consumption entries = "
            f"{tickets} tickets consumed once each = {units:g} units",
        ]

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
    print(
        "\n## 1. Consumption posting (one committed transaction per posting, "
        f"workers as {args.workers_mode})"
    )
    print(
        "| workers | contracts | postings | seconds | postings/s | retries "
        "| CPU ms/posting, Python | CPU ms/posting, PostgreSQL |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    half = len(ticket_ids) // 2
    shared, shared_tickets = bench.make_contracts(1, units_each=10000, tickets_each=400)
    runs = (
        (1, "distinct", ticket_ids[:half]),
        (8, "distinct", ticket_ids[half:]),
        (1, "one shared", shared_tickets[:200]),
        (8, "one shared", shared_tickets[200:]),
    )
    postings = 0
    for workers, label, chunk in runs:
        done, elapsed, retries, cpu_python, cpu_backend = bench.throughput(
            workers, chunk, args.workers_mode
        )
        postings += done
        rate = done / elapsed
        per_posting = [
            "n/a" if cpu is None else f"{1000 * cpu / done:.1f}"
            for cpu in (cpu_python, cpu_backend)
        ]
        print(
            f"| {workers} | {label} | {done} | {elapsed:.2f} | {rate:.0f} "
            f"| {retries} | {' | '.join(per_posting)} |"
        )
    print("\nChecked after the runs:")
    for line in bench.check_ledgers(
        contract_ids + shared, ticket_ids + shared_tickets, postings
    ):
        print(f"- {line}")

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
