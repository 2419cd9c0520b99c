# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Amendments applied by parallel cron workers, in real committed
transactions: each applies once, in date order."""

import threading
from datetime import timedelta

from odoo import fields
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .common import committed_env, run_committed


@tagged("post_install", "-at_install")
class TestAmendmentConcurrency(TransactionCase):
    WORKERS = 4

    def _setup_committed(self):
        today = fields.Date.today()
        with db_connect(self.env.cr.dbname).cursor() as cr:
            env = committed_env(self.registry, cr)
            partner = env["res.partner"].create(
                {"name": "Amended client", "is_company": True}
            )
            contract = env["tma.contract"].create(
                {
                    "partner_id": partner.id,
                    "mode": "ticket_book",
                    "date_start": today - timedelta(days=30),
                    "monthly_volume": 10.0,
                }
            )
            contract.action_activate()
            amendments = env["tma.contract.amendment"].create(
                [
                    {
                        "contract_id": contract.id,
                        "date_effective": today - timedelta(days=days),
                        "change_volume": True,
                        "monthly_volume": volume,
                    }
                    for days, volume in ((20, 20.0), (10, 30.0), (0, 40.0))
                ]
            )
            amendments.action_submit()
            amendments._set_workflow({"state": "approved"})
            cr.commit()  # pylint: disable=invalid-commit
            ids = (partner.id, contract.id, amendments.ids)
        self.addCleanup(self._purge, ids)
        return ids

    def _purge(self, ids):
        partner, contract, _amendments = ids
        with db_connect(self.env.cr.dbname).cursor() as cr:
            cr.execute(
                "DELETE FROM tma_contract_amendment WHERE contract_id = %s", (contract,)
            )
            cr.execute("DELETE FROM tma_contract WHERE id = %s", (contract,))
            cr.execute("DELETE FROM res_partner WHERE id = %s", (partner,))
            cr.commit()  # pylint: disable=invalid-commit

    def test_parallel_crons_apply_each_amendment_once_in_date_order(self):
        _partner, contract_id, amendment_ids = self._setup_committed()
        barrier = threading.Barrier(self.WORKERS)
        outcomes = []

        def cron(env):
            return env["tma.contract.amendment"]._cron_apply_amendments()

        def worker():
            barrier.wait(timeout=30)
            try:
                outcomes.append(run_committed(self.registry, cron)[0])
            except Exception as exc:  # reported by the assertion below
                outcomes.append(f"error: {exc!r}")

        threads = [threading.Thread(target=worker) for _i in range(self.WORKERS)]
        with mute_logger("odoo.sql_db"):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
        self.assertEqual(outcomes, ["posted"] * self.WORKERS)
        with db_connect(self.env.cr.dbname).cursor() as cr:
            cr.execute(
                "SELECT monthly_volume FROM tma_contract WHERE id = %s", (contract_id,)
            )
            self.assertEqual(cr.fetchone()[0], 40.0)
            cr.execute(
                """SELECT state, previous_values->>'monthly_volume'
                     FROM tma_contract_amendment WHERE id IN %s
                    ORDER BY date_effective""",
                (tuple(amendment_ids),),
            )
            rows = cr.fetchall()
            cr.execute(
                """SELECT count(*) FROM mail_message
                    WHERE model = 'tma.contract' AND res_id = %s
                      AND body LIKE %s""",
                (contract_id, "%applied from%"),
            )
            applied_messages = cr.fetchone()[0]
        # Each applied once, replacing the value the previous one set.
        self.assertEqual(
            rows, [("applied", "10.0"), ("applied", "20.0"), ("applied", "30.0")]
        )
        self.assertEqual(applied_messages, 3)
