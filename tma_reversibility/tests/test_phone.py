# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The handover and take-on pages fit a phone's width (390 px), for the
client, the successor and the outgoing provider: nothing scrolls sideways, in
a real headless Chromium."""

from odoo.tests import HttpCase, tagged

from odoo.addons.tma_contract.tests.phone import PhoneWidthCase

from .common import TmaReversibilityCommon


@tagged("post_install", "-at_install")
class TestPhoneReversibility(PhoneWidthCase, HttpCase, TmaReversibilityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Two contracts each, so that the lists show (one would redirect to it).
        second = cls._create_contract(
            title="Second handover", successor_id=cls.successor.id
        )
        (cls.contract | second).action_start_reversibility()
        cls._built_package(cls.contract)
        cls.takeon = cls._takeons("Taken over", "Second take-on")[0]

    def test_the_client_handover_and_take_on_pages_fit_a_phone(self):
        for contract in (self.contract, self.takeon):
            with self.subTest(contract=contract.name):
                self.assertFitsPhone(f"/my/tma/contracts/{contract.id}", self.portal_a)

    def test_the_successor_handover_pages_fit_a_phone(self):
        self.assertFitsPhone("/my/tma/handover", self.portal_successor)
        self.assertFitsPhone(
            f"/my/tma/handover/{self.contract.id}", self.portal_successor
        )

    def test_the_outgoing_provider_take_on_pages_fit_a_phone(self):
        self.assertFitsPhone("/my/tma/takeon", self.portal_predecessor)
        self.assertFitsPhone(
            f"/my/tma/takeon/{self.takeon.id}", self.portal_predecessor
        )
