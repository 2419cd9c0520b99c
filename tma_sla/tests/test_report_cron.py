# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.sql_db import db_connect
from odoo.tests import tagged

from odoo.addons.tma_contract.tests.common import TmaCommon
from odoo.addons.tma_contract.tools.workers import committed_env, production_commits


@tagged("post_install", "-at_install")
class TestMonthlyReportTransactions(TmaCommon):
    """Real transactions: outside tests the monthly cron commits each
    contract's report on its own, and prints no PDF while it holds a
    contract."""

    def test_each_report_is_claimed_then_printed_in_its_own_transactions(self):
        """Two contracts' reports: each claimed (its row, figures and
        workbook written under the contract's lock) and committed before its
        PDF is printed in the next transaction, as the creation times of
        their attachments show (each its transaction's start): every step in
        a transaction of its own. A second run builds nothing."""
        dbname = self.env.cr.dbname
        with db_connect(dbname).cursor() as cr:
            env = committed_env(self.registry, cr)
            partner = env["res.partner"].create(
                {"name": "Monthly reports client", "is_company": True}
            )
            policy = env["tma.sla.policy"].create(
                {
                    "name": "One at a time policy",
                    "calendar_id": env.ref("tma_sla.resource_calendar_tma_fr").id,
                }
            )
            contracts = env["tma.contract"].create(
                [
                    {
                        "partner_id": partner.id,
                        "mode": "regie",
                        "title": f"Monthly {i}",
                        "date_start": "2020-01-01",
                        "sla_policy_id": policy.id,
                    }
                    for i in range(2)
                ]
            )
            contracts.action_activate()
            cr.execute("SELECT COALESCE(MAX(id), 0) FROM ir_cron_trigger")
            last_trigger = cr.fetchone()[0]
            cr.commit()  # pylint: disable=invalid-commit
            ids = (tuple(contracts.ids), policy.id, partner.id, last_trigger)
        self.addCleanup(self._purge, *ids)
        with (
            db_connect(dbname).cursor() as other_worker,
            db_connect(dbname).cursor() as cr,
            production_commits(),
        ):
            # The other contracts (the demo's) are another worker's: the cron
            # skips them.
            other_worker.execute(
                "SELECT id FROM tma_contract WHERE id NOT IN %s FOR UPDATE SKIP LOCKED",
                (ids[0],),
            )
            Report = committed_env(self.registry, cr)["tma.sla.service.report"]
            reports = Report._cron_monthly_reports()
            cr.commit()  # pylint: disable=invalid-commit
            self.assertEqual(reports.contract_id.ids, list(ids[0]))
            self.assertEqual(set(reports.mapped("state")), {"sent"})
            # Odoo stamps what a transaction writes with its start time:
            # claimed (the workbook), then printed (the PDF), four times.
            stamps = reports.xlsx_attachment_id.mapped("create_date")
            stamps += reports.pdf_attachment_id.mapped("create_date")
            self.assertEqual(len(set(stamps)), 4)
            self.assertFalse(Report._cron_monthly_reports())
            cr.commit()  # pylint: disable=invalid-commit
            other_worker.rollback()

    def _purge(self, contract_ids, policy_id, partner_id, last_trigger):
        with db_connect(self.env.cr.dbname).cursor() as cr:
            cr.execute(
                "SELECT id FROM tma_sla_service_report WHERE contract_id IN %s",
                (contract_ids,),
            )
            report_ids = tuple(r[0] for r in cr.fetchall()) or (0,)
            for model, record_ids in (
                ("tma.sla.service.report", report_ids),
                ("tma.contract", contract_ids),
            ):
                for table, column in (
                    ("mail_message", "model"),
                    ("mail_followers", "res_model"),
                ):
                    cr.execute(
                        f"DELETE FROM {table} WHERE {column} = %s "  # noqa: S608
                        "AND res_id IN %s",
                        (model, record_ids),
                    )
            cr.execute("DELETE FROM tma_contract WHERE id IN %s", (contract_ids,))
            cr.execute(
                "DELETE FROM ir_attachment WHERE res_model = %s AND res_id IN %s",
                ("tma.sla.service.report", report_ids),
            )
            cr.execute("DELETE FROM tma_sla_policy WHERE id = %s", (policy_id,))
            cr.execute("DELETE FROM res_partner WHERE id = %s", (partner_id,))
            cr.execute("DELETE FROM ir_cron_trigger WHERE id > %s", (last_trigger,))
            cr.commit()  # pylint: disable=invalid-commit
