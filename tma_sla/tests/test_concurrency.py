# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Several cron workers run the breach cron at once, each in its own committed
transaction: every breach is notified exactly once."""

import threading

from odoo import fields
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.tma_contract.tests.common import committed_env, run_committed
from odoo.addons.tma_contract.tools.workers import production_commits


@tagged("post_install", "-at_install")
class TestConcurrentCron(TransactionCase):
    WORKERS = 4
    TICKETS = 12

    def _setup_committed(self):
        with db_connect(self.env.cr.dbname).cursor() as cr:
            env = committed_env(self.registry, cr)
            partner = env["res.partner"].create(
                {"name": "Cron client", "is_company": True, "email": "c@example.com"}
            )
            contract = env["tma.contract"].create(
                {
                    "partner_id": partner.id,
                    "mode": "ticket_book",
                    "date_start": fields.Date.today(),
                    "sla_policy_id": env.ref("tma_sla.tma_sla_policy_standard").id,
                    "sla_notify_client": False,
                }
            )
            contract.action_activate()
            tickets = env["helpdesk.ticket"].create(
                [
                    {
                        "name": f"Cron ticket {i}",
                        "description": "<p>x</p>",
                        "partner_id": partner.id,
                        "tma_contract_id": contract.id,
                        "priority": "3",
                    }
                    for i in range(self.TICKETS)
                ]
            )
            env.flush_all()
            cr.execute(
                """UPDATE tma_sla_timer
                      SET deadline = (now() AT TIME ZONE 'UTC') - interval '1 hour',
                          next_escalation_date = NULL
                    WHERE ticket_id IN %s""",
                (tuple(tickets.ids),),
            )
            cr.commit()  # pylint: disable=invalid-commit
            ids = {
                "partner": partner.id,
                "contract": contract.id,
                "tickets": tickets.ids,
            }
        self.addCleanup(self._purge, ids)
        return ids

    def _purge(self, ids):
        with db_connect(self.env.cr.dbname).cursor() as cr:
            tickets = tuple(ids["tickets"])
            cr.execute(
                "DELETE FROM mail_message WHERE model = 'helpdesk.ticket'"
                " AND res_id IN %s",
                (tickets,),
            )
            cr.execute(
                "DELETE FROM mail_activity WHERE res_model = 'helpdesk.ticket'"
                " AND res_id IN %s",
                (tickets,),
            )
            cr.execute("DELETE FROM helpdesk_ticket WHERE id IN %s", (tickets,))
            cr.execute("DELETE FROM tma_contract WHERE id = %s", (ids["contract"],))
            cr.execute("DELETE FROM res_partner WHERE id = %s", (ids["partner"],))
            cr.commit()  # pylint: disable=invalid-commit

    def _due(self, ids):
        """How many of the tickets' timers are breached and not notified."""
        with db_connect(self.env.cr.dbname).cursor() as cr:
            cr.execute(
                """SELECT count(*) FROM tma_sla_timer
                    WHERE ticket_id IN %s AND breach_notified IS NOT TRUE""",
                (tuple(ids["tickets"]),),
            )
            return cr.fetchone()[0]

    def test_a_run_meeting_a_concurrent_write_is_left_for_a_minute_later(self):
        """The end-to-end fault test met it: a timer written and committed by
        another transaction after the cron's began makes the claim fail
        (repeatable read). The run undoes itself without failing the job,
        notifies nothing, and the cron comes back a minute later; the next
        run notifies every breach once."""
        ids = self._setup_committed()
        first = ids["tickets"][0]
        with (
            db_connect(self.env.cr.dbname).cursor() as cron_cr,
            db_connect(self.env.cr.dbname).cursor() as other,
            production_commits(),
            mute_logger("odoo.sql_db", "odoo.addons.tma_contract.models.utils"),
        ):
            env = committed_env(self.registry, cron_cr)
            cron = env.ref("tma_sla.ir_cron_tma_sla_check")
            cron_cr.execute("SELECT count(*) FROM tma_sla_timer")  # its snapshot
            other.execute(
                "UPDATE tma_sla_timer SET used_seconds = used_seconds + 1"
                " WHERE ticket_id = %s",
                (first,),
            )
            other.commit()  # pylint: disable=invalid-commit
            triggers = env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
            self.assertIs(env["tma.sla.timer"]._cron_check(), False)
            rearmed = (
                env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]) - triggers
            )
            self.assertEqual(len(rearmed), 1)
            self.assertGreater(rearmed.call_at, fields.Datetime.now())
            cron_cr.commit()  # pylint: disable=invalid-commit
        self.assertEqual(self._due(ids), self.TICKETS * 4, "nothing notified")
        _status, done = run_committed(
            self.registry, lambda env: env["tma.sla.timer"]._cron_check()
        )
        self.assertEqual(done, self.TICKETS * 4)
        self.assertEqual(self._due(ids), 0)

    def test_parallel_cron_workers_notify_each_breach_once(self):
        ids = self._setup_committed()
        barrier = threading.Barrier(self.WORKERS)
        errors = []

        def cron_worker():
            barrier.wait(timeout=30)
            try:
                # A run that met another's write is left for later (it does
                # nothing): the workers run until nothing is due.
                while self._due(ids):
                    run_committed(
                        self.registry,
                        lambda env: env["tma.sla.timer"]._cron_check(batch_size=5),
                    )
            except Exception as exc:  # reported by the assertion below
                errors.append(repr(exc))

        threads = [threading.Thread(target=cron_worker) for _i in range(self.WORKERS)]
        with mute_logger("odoo.sql_db"):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=180)
        self.assertFalse(errors)
        with db_connect(self.env.cr.dbname).cursor() as cr:
            cr.execute(
                """SELECT count(*), count(*) FILTER (WHERE breach_notified)
                     FROM tma_sla_timer WHERE ticket_id IN %s""",
                (tuple(ids["tickets"]),),
            )
            timers, notified = cr.fetchone()
            cr.execute(
                """SELECT count(*) FROM mail_message
                    WHERE model = 'helpdesk.ticket' AND res_id IN %s
                      AND body LIKE '%%breached%%'""",
                (tuple(ids["tickets"]),),
            )
            notes = cr.fetchone()[0]
        self.assertEqual(timers, self.TICKETS * 4)
        self.assertEqual(notified, timers)
        self.assertEqual(notes, timers, "one note per breach, never two")
