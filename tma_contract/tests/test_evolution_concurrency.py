# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Parallel approvals of estimates on the last units of a book, or on the
last hours of a capped time and materials contract's month, in real
committed transactions: the reservations never exceed the books, or the
cap."""

from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from ..tools.workers import run_parallel
from .common import commit_contracts, committed_env, purge_committed


@tagged("post_install", "-at_install")
class TestEvolutionConcurrency(TransactionCase):
    APPROVALS = 4
    BOOK = 5.0
    UNITS = 3.0

    def _setup_committed(self, hours=False, **contract_vals):
        """A committed contract (a ticket book of ``BOOK`` units, or
        ``contract_vals``) and ``APPROVALS`` estimates of ``UNITS`` units
        (or hours, with ``hours``) sent to the client."""
        (contract_id,), partner_id = commit_contracts(
            self.registry,
            "Parallel evolutions",
            1,
            **(contract_vals or {"mode": "ticket_book"}),
        )
        with db_connect(self.env.cr.dbname).cursor() as cr:
            env = committed_env(self.registry, cr)
            contract = env["tma.contract"].browse(contract_id)
            if contract.mode == "ticket_book":
                env["tma.unit.book"].create(
                    {
                        "contract_id": contract.id,
                        "name": "Last units",
                        "units": self.BOOK,
                    }
                )
            evolutive = env.ref("tma_contract.maintenance_type_evolutive")
            tickets = env["helpdesk.ticket"].create(
                [
                    {
                        "name": f"Parallel evolution {i}",
                        "description": "<p>x</p>",
                        "partner_id": partner_id,
                        "tma_contract_id": contract.id,
                        "tma_maintenance_type_id": evolutive.id,
                    }
                    for i in range(self.APPROVALS)
                ]
            )
            estimates = env["tma.evolution.estimate"].create(
                [
                    {
                        "ticket_id": ticket.id,
                        "method": "free",
                        "hours" if hours else "units": self.UNITS,
                        "justification": "Parallel",
                    }
                    for ticket in tickets
                ]
            )
            estimates.action_send()
            cr.commit()  # pylint: disable=invalid-commit
            ids = {
                "partner": partner_id,
                "contract": contract_id,
                "tickets": tickets.ids,
                "estimates": estimates.ids,
            }
        self.addCleanup(self._purge, ids)
        return ids

    def _purge(self, ids):
        with db_connect(self.env.cr.dbname).cursor() as cr:
            found = {}
            for model, table, column in (
                ("tma.act.journal", "tma_act_journal", "contract_id"),
                ("tma.unit.allocation", "tma_unit_allocation", "contract_id"),
                ("tma.unit.entry", "tma_unit_entry", "contract_id"),
                ("tma.unit.book", "tma_unit_book", "contract_id"),
            ):
                if column not in self.registry[model]._fields:
                    continue
                cr.execute(
                    f"SELECT id FROM {table} WHERE {column} = %s",  # noqa: S608
                    (ids["contract"],),
                )
                found[model] = [row[0] for row in cr.fetchall()]
        purge_committed(
            self.registry,
            *found.items(),
            ("tma.evolution.estimate", ids["estimates"]),
            ("helpdesk.ticket", ids["tickets"]),
            ("tma.contract", [ids["contract"]]),
            ("res.partner", [ids["partner"]]),
        )

    def _approve_in_parallel(self, ids):
        """Approve every estimate at once, each in its own transaction:
        ``{state: (count, units)}`` of the estimates afterwards, the
        contract's balance and the approvals journaled."""

        def approve(estimate_id):
            def run(env):
                estimate = env["tma.evolution.estimate"].browse(estimate_id)
                return estimate._approve(estimate.partner_id).id

            return run

        with mute_logger("odoo.sql_db"):
            results, errors = run_parallel(
                self.registry, [approve(i) for i in ids["estimates"]]
            )
        self.assertEqual(errors, [])
        outcomes = sorted(outcome for outcome, _result in results)
        self.assertEqual(
            outcomes, ["posted"] + ["refused"] * (self.APPROVALS - 1), results
        )
        with db_connect(self.env.cr.dbname).cursor() as cr:
            cr.execute(
                "SELECT state, COUNT(*), SUM(units) FROM tma_evolution_estimate"
                " WHERE id IN %s GROUP BY state",
                (tuple(ids["estimates"]),),
            )
            states = {state: (count, units) for state, count, units in cr.fetchall()}
            cr.execute(
                "SELECT balance FROM tma_contract WHERE id = %s", (ids["contract"],)
            )
            balance = float(cr.fetchone()[0])
            cr.execute(
                "SELECT COUNT(*) FROM tma_act_journal WHERE contract_id = %s"
                " AND code = 'estimate_approval'",
                (ids["contract"],),
            )
            journaled = cr.fetchone()[0]
        return states, balance, journaled

    def test_parallel_approvals_never_reserve_more_than_the_books(self):
        states, balance, journaled = self._approve_in_parallel(self._setup_committed())
        self.assertEqual(states["approved"], (1, self.UNITS))
        self.assertEqual(states["sent"][0], self.APPROVALS - 1)
        self.assertEqual(journaled, 1)
        self.assertEqual(balance, self.BOOK)
        self.assertLessEqual(states["approved"][1], balance)

    def test_parallel_approvals_never_pass_the_regie_cap(self):
        """A cap of 5 hours a month (10 units at 2 units an hour): of the
        approvals of 3 hours each, one passes."""
        ids = self._setup_committed(
            hours=True,
            mode="regie",
            monthly_volume=self.BOOK,
            volume_uom="hours",
            units_per_hour=2.0,
        )
        states, balance, journaled = self._approve_in_parallel(ids)
        self.assertEqual(states["approved"], (1, self.UNITS * 2.0))
        self.assertEqual(states["sent"][0], self.APPROVALS - 1)
        self.assertEqual(journaled, 1)
        self.assertEqual(balance, 0.0)
        self.assertLessEqual(states["approved"][1], self.BOOK * 2.0)
