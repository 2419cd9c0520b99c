# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.sql_db import db_connect
from odoo.tests import tagged

from odoo.addons.tma_contract.tests.common import (
    TmaCommon,
    commit_contracts,
    purge_committed,
)
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
            policy_id = (
                env["tma.sla.policy"]
                .create(
                    {
                        "name": "One at a time policy",
                        "calendar_id": env.ref("tma_sla.resource_calendar_tma_fr").id,
                    }
                )
                .id
            )
            cr.commit()  # pylint: disable=invalid-commit
        contract_ids, partner_id = commit_contracts(
            self.registry,
            "Monthly reports",
            2,
            date_start="2020-01-01",
            sla_policy_id=policy_id,
        )
        self.addCleanup(self._purge, contract_ids, policy_id, partner_id)
        with (
            db_connect(dbname).cursor() as other_worker,
            db_connect(dbname).cursor() as cr,
            production_commits(),
        ):
            # The other contracts (the demo's) are another worker's: the cron
            # skips them.
            other_worker.execute(
                "SELECT id FROM tma_contract WHERE id NOT IN %s FOR UPDATE SKIP LOCKED",
                (tuple(contract_ids),),
            )
            Report = committed_env(self.registry, cr)["tma.sla.service.report"]
            reports = Report._cron_monthly_reports()
            cr.commit()  # pylint: disable=invalid-commit
            self.assertEqual(reports.contract_id.ids, contract_ids)
            self.assertEqual(set(reports.mapped("state")), {"sent"})
            # Odoo stamps what a transaction writes with its start time:
            # claimed (the workbook), then printed (the PDF), four times.
            stamps = reports.xlsx_attachment_id.mapped("create_date")
            stamps += reports.pdf_attachment_id.mapped("create_date")
            self.assertEqual(len(set(stamps)), 4)
            self.assertFalse(Report._cron_monthly_reports())
            cr.commit()  # pylint: disable=invalid-commit
            other_worker.rollback()

    def _purge(self, contract_ids, policy_id, partner_id):
        Report = self.env["tma.sla.service.report"]
        report_ids = Report.with_context(active_test=False).search(
            [("contract_id", "in", contract_ids)]
        )
        purge_committed(
            self.registry,
            ("tma.sla.service.report", report_ids.ids),
            ("tma.contract", contract_ids),
            ("tma.sla.policy", [policy_id]),
            ("res.partner", [partner_id]),
        )
