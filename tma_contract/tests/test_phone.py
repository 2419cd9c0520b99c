# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The client's pages fit a phone's width (390 px): nothing scrolls sideways,
in a real headless Chromium."""

import base64

from odoo.tests import HttpCase, tagged

from .common import TmaCommon
from .phone import PhoneWidthCase
from .test_preventive_portal import PreventivePortalCommon


@tagged("post_install", "-at_install")
class TestPhoneContract(PhoneWidthCase, HttpCase, TmaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contract = cls._create_contract(title="Maintenance of the whole ERP")
        cls._add_book(cls.contract, 7, name="Book of units for the first quarter")
        ticket = cls._create_ticket(
            cls.contract, name="Nightly invoicing export stops on a long reference"
        )
        ticket._tma_record_consumption()
        cls.env["tma.document"].create(
            {
                "contract_id": cls.contract.id,
                "name": "Run book of the production servers",
                "doc_type": "runbook",
                "file": base64.b64encode(b"how to run it"),
                "file_name": "runbook-of-the-production-servers-2026.txt",
            }
        )

    def test_the_contract_list_fits_a_phone(self):
        self.assertFitsPhone("/my/tma/contracts", self.portal_a)

    def test_the_contract_page_fits_a_phone(self):
        self.assertFitsPhone(f"/my/tma/contracts/{self.contract.id}", self.portal_a)


@tagged("post_install", "-at_install")
class TestPhonePreventive(PhoneWidthCase, HttpCase, PreventivePortalCommon):
    def test_the_preventive_pages_fit_a_phone(self):
        self.assertFitsPhone("/my/tma/preventive", self.portal_a)
        self.assertFitsPhone(f"/my/tma/preventive/{self.done_a.id}", self.portal_a)
