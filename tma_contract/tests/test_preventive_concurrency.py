# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The preventive cron run by parallel cron workers, each on a connection of
its own that commits: every due date gets one occurrence and one ticket; two
clicks at once on a finding make one evolutive ticket."""

import threading

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from ..tools.workers import run_parallel
from .common import committed_env, purge_committed, run_committed

PLANS = 40
WORKERS = 4
BATCH = 7


def _active_contract(env, name):
    """A client and its active contract, in the committed ``env``."""
    partner = env["res.partner"].create({"name": name, "is_company": True})
    contract = env["tma.contract"].create(
        {
            "partner_id": partner.id,
            "mode": "ticket_book",
            "date_start": fields.Date.today(),
        }
    )
    contract.action_activate()
    return partner, contract


@tagged("post_install", "-at_install")
class TestPreventiveParallelCron(TransactionCase):
    def _setup_committed(self):
        with db_connect(self.env.cr.dbname).cursor() as cr:
            env = committed_env(self.registry, cr)
            partner, contract = _active_contract(env, "Preventive parallel client")
            application = env["tma.application"].create(
                {"name": "Parallel ERP", "partner_id": partner.id}
            )
            start = fields.Date.today() - relativedelta(days=3)
            plans = env["tma.preventive.plan"].create(
                [
                    {
                        "name": f"Parallel audit {i}",
                        "contract_id": contract.id,
                        "application_id": application.id,
                        "audit_kind": "backup",
                        "date_start": start,
                        "lead_days": 7,
                        "checklist_template": "Restore tested",
                    }
                    for i in range(PLANS)
                ]
            )
            cr.commit()  # pylint: disable=invalid-commit
            ids = {
                "partner": partner.id,
                "contract": contract.id,
                "application": application.id,
                "plans": plans.ids,
            }
        self.addCleanup(self._purge, ids)
        return ids

    def _purge(self, ids):
        with db_connect(self.env.cr.dbname).cursor() as cr:
            cr.execute(
                "SELECT ticket_id FROM tma_preventive_occurrence "
                "WHERE contract_id = %s AND ticket_id IS NOT NULL",
                (ids["contract"],),
            )
            tickets = tuple(row[0] for row in cr.fetchall())
            cr.execute(
                "DELETE FROM tma_preventive_occurrence WHERE contract_id = %s",
                (ids["contract"],),
            )
            if tickets:
                cr.execute("DELETE FROM helpdesk_ticket WHERE id IN %s", (tickets,))
            cr.execute(
                "DELETE FROM tma_preventive_plan WHERE contract_id = %s",
                (ids["contract"],),
            )
            cr.execute("DELETE FROM tma_contract WHERE id = %s", (ids["contract"],))
            cr.execute(
                "DELETE FROM tma_application WHERE id = %s", (ids["application"],)
            )
            cr.execute("DELETE FROM res_partner WHERE id = %s", (ids["partner"],))
            cr.commit()  # pylint: disable=invalid-commit

    def test_parallel_cron_workers_create_each_ticket_once(self):
        ids = self._setup_committed()
        barrier = threading.Barrier(WORKERS)
        errors = []

        def run(env):
            return env["tma.preventive.plan"]._cron_generate_occurrences(
                batch_size=BATCH
            )

        def worker():
            barrier.wait(timeout=30)
            try:
                # Each worker keeps running batches until nothing is due,
                # as the cron runner does while work remains.
                for _i in range(PLANS):
                    _status, result = run_committed(self.registry, run)
                    if result is True:
                        break
            except Exception as exc:  # reported by the assertion below
                errors.append(repr(exc))

        threads = [threading.Thread(target=worker) for _i in range(WORKERS)]
        with mute_logger("odoo.sql_db"):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=180)
        self.assertEqual(errors, [])
        with db_connect(self.env.cr.dbname).cursor() as cr:
            cr.execute(
                "SELECT count(*), count(DISTINCT plan_id), count(DISTINCT ticket_id) "
                "FROM tma_preventive_occurrence WHERE contract_id = %s",
                (ids["contract"],),
            )
            occurrences, plans, tickets = cr.fetchone()
            cr.execute(
                "SELECT count(*) FROM helpdesk_ticket t "
                "JOIN tma_preventive_occurrence o "
                "ON o.id = t.tma_preventive_occurrence_id WHERE o.contract_id = %s",
                (ids["contract"],),
            )
            linked = cr.fetchone()[0]
        self.assertEqual((occurrences, plans, tickets, linked), (PLANS,) * 4)


@tagged("post_install", "-at_install")
class TestFindingParallelClicks(TransactionCase):
    """Two users turn the same finding into a ticket at once, each in a
    committed transaction of its own: one evolutive ticket, both shown it."""

    CLICKS = 2
    NAME = "Parallel finding: TLS 1.0 still accepted"

    def _setup_committed(self):
        with db_connect(self.env.cr.dbname).cursor() as cr:
            env = committed_env(self.registry, cr)
            partner, contract = _active_contract(env, "Finding parallel client")
            audit = env["helpdesk.ticket"].create(
                {
                    "name": "Parallel audit",
                    "description": "<p>Audit</p>",
                    "partner_id": partner.id,
                    "tma_contract_id": contract.id,
                }
            )
            finding = env["tma.preventive.finding"].create(
                {"ticket_id": audit.id, "name": self.NAME, "severity": "high"}
            )
            cr.commit()  # pylint: disable=invalid-commit
            ids = {
                "partner": partner.id,
                "contract": contract.id,
                "finding": finding.id,
            }
        self.addCleanup(self._purge, ids)
        return ids

    def _purge(self, ids):
        with db_connect(self.env.cr.dbname).cursor() as cr:
            cr.execute(
                "SELECT id FROM helpdesk_ticket WHERE tma_contract_id = %s",
                (ids["contract"],),
            )
            tickets = [row[0] for row in cr.fetchall()]
        purge_committed(
            self.registry,
            ("tma.preventive.finding", [ids["finding"]]),
            ("helpdesk.ticket", tickets),
            ("tma.contract", [ids["contract"]]),
            ("res.partner", [ids["partner"]]),
        )

    def test_two_clicks_at_once_make_one_ticket(self):
        ids = self._setup_committed()

        def click(env):
            finding = env["tma.preventive.finding"].browse(ids["finding"])
            return finding.action_create_evolutive()["res_id"]

        with mute_logger("odoo.sql_db"):
            results, errors = run_parallel(self.registry, [click] * self.CLICKS)
        self.assertEqual(errors, [])
        with db_connect(self.env.cr.dbname).cursor() as cr:
            cr.execute(
                "SELECT array_agg(id) FROM helpdesk_ticket WHERE name = %s",
                (self.NAME,),
            )
            tickets = cr.fetchone()[0]
            cr.execute(
                "SELECT evolutive_ticket_id FROM tma_preventive_finding WHERE id = %s",
                (ids["finding"],),
            )
            linked = cr.fetchone()[0]
        self.assertEqual(len(tickets), 1)
        self.assertEqual(linked, tickets[0])
        self.assertEqual(results, [("posted", linked)] * self.CLICKS)
