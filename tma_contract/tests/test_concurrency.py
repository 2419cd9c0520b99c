# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Real parallel transactions against PostgreSQL: each thread has its own
connection and commits, like separate Odoo workers. Serialization failures are
replayed on a fresh cursor, as Odoo's HTTP and RPC layers do (``run_committed``)."""

import threading
from functools import partial

from odoo import fields
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .common import committed_env, run_committed


class ConcurrentLedgerCase(TransactionCase):
    """Committed fixtures and worker-like runs for the parallel tests."""

    WORKERS = 6

    def _committed_env(self, cr):
        return committed_env(self.registry, cr)

    def _setup_committed(self, units, tickets, policy="block", limit=0.0):
        """Create a contract with one book and tickets in a committed transaction."""
        with db_connect(self.env.cr.dbname).cursor() as cr:
            env = self._committed_env(cr)
            partner = env["res.partner"].create(
                {"name": "Concurrent client", "is_company": True}
            )
            contract = env["tma.contract"].create(
                {
                    "partner_id": partner.id,
                    "mode": "ticket_book",
                    "date_start": fields.Date.today(),
                    "overdraft_policy": policy,
                    "overdraft_limit": limit,
                    "low_balance_threshold": 0.0,
                }
            )
            contract.action_activate()
            env["tma.unit.book"].create(
                {"contract_id": contract.id, "name": "Shared book", "units": units}
            )
            ticket_ids = (
                env["helpdesk.ticket"]
                .create(
                    [
                        {
                            "name": f"Parallel ticket {i}",
                            "description": "<p>x</p>",
                            "partner_id": partner.id,
                            "tma_contract_id": contract.id,
                        }
                        for i in range(tickets)
                    ]
                )
                .ids
            )
            cr.commit()  # pylint: disable=invalid-commit
            ids = {
                "partner": partner.id,
                "contract": contract.id,
                "tickets": ticket_ids,
            }
        self.addCleanup(self._purge, ids)
        return ids

    def _purge(self, ids):
        with db_connect(self.env.cr.dbname).cursor() as cr:
            contract = ids["contract"]
            cr.execute(
                "DELETE FROM tma_unit_allocation WHERE entry_id IN "
                "(SELECT id FROM tma_unit_entry WHERE contract_id = %s)",
                (contract,),
            )
            cr.execute("DELETE FROM tma_unit_entry WHERE contract_id = %s", (contract,))
            if ids["tickets"]:
                cr.execute(
                    "DELETE FROM helpdesk_ticket WHERE id IN %s",
                    (tuple(ids["tickets"]),),
                )
            cr.execute("DELETE FROM tma_unit_book WHERE contract_id = %s", (contract,))
            cr.execute(
                "DELETE FROM sale_order_line WHERE tma_contract_id = %s", (contract,)
            )
            cr.execute("DELETE FROM sale_order WHERE tma_contract_id = %s", (contract,))
            cr.execute("DELETE FROM tma_contract WHERE id = %s", (contract,))
            if ids["partner"]:
                cr.execute("DELETE FROM res_partner WHERE id = %s", (ids["partner"],))
            cr.commit()  # pylint: disable=invalid-commit

    def _consume_in_parallel(self, ids, units):
        barrier = threading.Barrier(len(ids["tickets"]))
        outcomes = []
        lock = threading.Lock()

        def consume(env, ticket_id):
            ticket = env["helpdesk.ticket"].browse(ticket_id)
            return ticket.tma_contract_id._post_consumption(units, ticket=ticket)

        def worker(ticket_id):
            barrier.wait(timeout=30)
            outcome = self._run_like_a_worker(partial(consume, ticket_id=ticket_id))
            with lock:
                outcomes.append(outcome)

        threads = [
            threading.Thread(target=worker, args=(ticket_id,))
            for ticket_id in ids["tickets"]
        ]
        # Serialization failures are expected and replayed: keep them out of the
        # error log, as a real worker's retried request does not show them either.
        with mute_logger("odoo.sql_db"):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
        return outcomes

    def _run_like_a_worker(self, func):
        """Run ``func(env)`` as one worker's request: "posted", "refused", or
        the error that stopped it."""
        try:
            return run_committed(self.registry, func)[0]
        except Exception as exc:  # reported by the caller's assertion
            return f"error: {exc!r}"

    def _committed_figures(self, ids):
        with db_connect(self.env.cr.dbname).cursor() as cr:
            cr.execute(
                "SELECT balance FROM tma_contract WHERE id = %s", (ids["contract"],)
            )
            balance = float(cr.fetchone()[0])
            cr.execute(
                "SELECT COUNT(*), COALESCE(SUM(units), 0),"
                " COALESCE(SUM(overage_units), 0), COUNT(DISTINCT ticket_id)"
                " FROM tma_unit_entry"
                " WHERE contract_id = %s AND entry_type = 'consumption'",
                (ids["contract"],),
            )
            count, units, overage, tickets = cr.fetchone()
            cr.execute(
                "SELECT SUM(units_remaining) FROM tma_unit_book WHERE contract_id = %s",
                (ids["contract"],),
            )
            remaining = float(cr.fetchone()[0])
        return balance, count, float(units), float(overage), tickets, remaining


@tagged("post_install", "-at_install")
class TestConcurrentConsumption(ConcurrentLedgerCase):
    def test_parallel_workers_never_overdraw_a_blocking_contract(self):
        ids = self._setup_committed(units=4.0, tickets=self.WORKERS)
        outcomes = self._consume_in_parallel(ids, 1.0)
        self.assertEqual(sorted(outcomes), ["posted"] * 4 + ["refused"] * 2, outcomes)
        balance, count, units, overage, tickets, remaining = self._committed_figures(
            ids
        )
        self.assertEqual(balance, 0.0)
        self.assertEqual(count, 4)  # one entry per accepted consumption
        self.assertEqual(tickets, 4)
        self.assertEqual(units, -4.0)
        self.assertEqual(overage, 0.0)
        self.assertEqual(remaining, 0.0)

    def test_parallel_workers_respect_the_overdraft_limit(self):
        ids = self._setup_committed(
            units=3.0, tickets=self.WORKERS, policy="allow", limit=2.0
        )
        outcomes = self._consume_in_parallel(ids, 1.0)
        self.assertEqual(sorted(outcomes), ["posted"] * 5 + ["refused"], outcomes)
        balance, count, units, overage, tickets, remaining = self._committed_figures(
            ids
        )
        self.assertEqual(tickets, 5)
        self.assertEqual(balance, 0.0)
        self.assertEqual(count, 5)
        self.assertEqual(units, -3.0)
        self.assertEqual(overage, 2.0)
        self.assertEqual(remaining, 0.0)


@tagged("post_install", "-at_install")
class TestConcurrentMove(ConcurrentLedgerCase):
    """A move to another contract racing a recording of the same ticket: the
    ticket ends with one live consumption, on the contract it is on."""

    TICKETS = 4

    def _setup_two_contracts(self):
        first = self._setup_committed(units=20.0, tickets=self.TICKETS)
        with db_connect(self.env.cr.dbname).cursor() as cr:
            env = self._committed_env(cr)
            contract = env["tma.contract"].create(
                {
                    "partner_id": first["partner"],
                    "mode": "ticket_book",
                    "date_start": fields.Date.today(),
                    "low_balance_threshold": 0.0,
                }
            )
            contract.action_activate()
            env["tma.unit.book"].create(
                {"contract_id": contract.id, "name": "Other book", "units": 20.0}
            )
            cr.commit()  # pylint: disable=invalid-commit
            # The partner and the tickets go with the first contract, purged
            # after this one (cleanups run last in, first out).
            second = {"partner": None, "contract": contract.id, "tickets": []}
        self.addCleanup(self._purge, second)
        return first, second

    def test_a_move_racing_a_recording_never_bills_twice(self):
        first, second = self._setup_two_contracts()
        jobs = []
        for ticket_id in first["tickets"]:
            jobs.append(("record", ticket_id))
            jobs.append(("move", ticket_id))
        barrier = threading.Barrier(len(jobs))
        outcomes = []
        lock = threading.Lock()

        def record(env, ticket_id):
            return env["helpdesk.ticket"].browse(ticket_id)._tma_record_consumption(2.0)

        def move(env, ticket_id):
            env["helpdesk.ticket"].browse(ticket_id).tma_contract_id = second[
                "contract"
            ]
            return True

        def worker(job, ticket_id):
            func = record if job == "record" else move
            barrier.wait(timeout=30)
            outcome = self._run_like_a_worker(partial(func, ticket_id=ticket_id))
            with lock:
                outcomes.append((job, outcome))

        threads = [threading.Thread(target=worker, args=job) for job in jobs]
        with mute_logger("odoo.sql_db"):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
        self.assertEqual(
            sorted(outcomes), sorted((job, "posted") for job, _t in jobs), outcomes
        )
        with db_connect(self.env.cr.dbname).cursor() as cr:
            cr.execute(
                """
                SELECT t.id, t.tma_contract_id, COUNT(e.id),
                       MIN(e.contract_id), SUM(e.consumed_units)
                  FROM helpdesk_ticket t
                  LEFT JOIN tma_unit_entry e
                    ON e.ticket_id = t.id AND e.entry_type = 'consumption'
                   AND e.is_reversed IS NOT TRUE
                 WHERE t.id IN %s
                 GROUP BY t.id, t.tma_contract_id
                """,
                (tuple(first["tickets"]),),
            )
            rows = cr.fetchall()
            for ticket_id, contract_id, live, live_contract, units in rows:
                self.assertEqual(contract_id, second["contract"], ticket_id)
                self.assertEqual(live, 1, ticket_id)
                self.assertEqual(live_contract, second["contract"], ticket_id)
                self.assertEqual(float(units), 2.0)
            cr.execute(
                """
                SELECT c.id, c.balance, COALESCE(SUM(e.units), 0)
                  FROM tma_contract c LEFT JOIN tma_unit_entry e ON e.contract_id = c.id
                 WHERE c.id IN %s GROUP BY c.id, c.balance
                """,
                ((first["contract"], second["contract"]),),
            )
            balances = {cid: (float(b), float(s)) for cid, b, s in cr.fetchall()}
        self.assertEqual(balances[first["contract"]], (20.0, 20.0))
        self.assertEqual(
            balances[second["contract"]],
            (20.0 - 2.0 * self.TICKETS, 20.0 - 2.0 * self.TICKETS),
        )
