# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The client's service-level pages and downloads read in a read-only
transaction (as a replica serves them) without writing anything: the service
report and its files, the review and its minutes, the survey, the
improvement action (tma_contract/tools/replica.py)."""

from datetime import date, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from odoo.addons.tma_contract.tests.read_routes import ReadRouteCase

from .common import TmaSlaCommon


@tagged("post_install", "-at_install")
class TestReadRoutesSla(ReadRouteCase, TmaSlaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contract.date_start = date(2026, 1, 1)
        cls.ticket = cls._create_ticket(
            cls.contract, name="Export stops", tma_support_level_id=cls.l1.id
        )
        cls.report = cls.env["tma.sla.service.report"]._generate_for(
            cls.contract, date(2026, 11, 1)
        )
        cls.action = cls.env["tma.improvement.action"].create(
            {
                "name": "Document the restore",
                "contract_id": cls.contract.id,
                "date_due": fields.Date.today() + timedelta(days=15),
            }
        )
        cls.review = cls._submitted_review(cls.contract, cls.contact_a)
        with freeze_time("2026-10-02"):
            # The cron opens the quarter's survey of every running contract
            # (the demo's too): this one's.
            cls.survey = (
                cls.env["tma.satisfaction.survey"]
                ._cron_open_surveys()
                .filtered(lambda s: s.contract_id == cls.contract)
            )

    def test_the_service_level_pages_read_only(self):
        for url in (
            f"/my/tma/contracts/{self.contract.id}",
            f"/my/ticket/{self.ticket.id}",
            f"/my/tma/sla-reports/{self.report.id}",
            f"/my/tma/sla-reports/{self.report.id}/xlsx",
            f"/my/tma/reviews/{self.review.id}",
            f"/my/tma/surveys/{self.survey.id}",
            f"/my/tma/actions/{self.action.id}",
        ):
            with self.subTest(url=url):
                self.assertReadsOnly(url, self.portal_a)
