# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The handover and take-on pages and the package download read in a
read-only transaction (as a replica serves them) without writing anything
(tma_contract/tools/replica.py)."""

from odoo.tests import tagged

from odoo.addons.tma_contract.tests.read_routes import ReadRouteCase

from .common import TmaReversibilityCommon


@tagged("post_install", "-at_install")
class TestReadRoutesReversibility(ReadRouteCase, TmaReversibilityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contract.action_start_reversibility()
        cls.package = cls._built_package(cls.contract)
        cls.takeon = cls._takeons("Taken over")

    def test_the_successor_pages_read_only(self):
        for url in ("/my/tma/handover", f"/my/tma/handover/{self.contract.id}"):
            with self.subTest(url=url):
                self.assertReadsOnly(url, self.portal_successor)

    def test_the_outgoing_provider_pages_read_only(self):
        for url in ("/my/tma/takeon", f"/my/tma/takeon/{self.takeon.id}"):
            with self.subTest(url=url):
                self.assertReadsOnly(url, self.portal_predecessor)

    def test_the_client_package_download_reads_only(self):
        self.assertTrue(self.package.attachment_id)
        self.assertReadsOnly(f"/my/tma/packages/{self.package.id}", self.portal_a)
