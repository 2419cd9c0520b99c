# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The client's service-level pages and downloads read in a read-only
transaction (as a replica serves them) without writing anything: the service
report and its files, the review and its minutes, the survey, the
improvement action (tma_contract/tools/replica.py)."""

from odoo.tests import tagged

from odoo.addons.tma_contract.tests.read_routes import ReadRouteCase

from .common import TmaSlaCommon


@tagged("post_install", "-at_install")
class TestReadRoutesSla(ReadRouteCase, TmaSlaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._client_pages("Export stops", "Document the restore")

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
