# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The client's pages fit a phone's width (390 px): nothing scrolls sideways,
in a real headless Chromium."""

import base64

from dateutil.relativedelta import relativedelta

from odoo.tests import HttpCase, tagged

from .common import TmaCommon
from .phone import PhoneWidthCase
from .test_preventive import PreventiveCommon


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
class TestPhonePreventive(PhoneWidthCase, HttpCase, PreventiveCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan_a = cls._create_plan(
            name="Backup and restore audit of the production database",
            audit_kind="backup",
            date_start=cls.today - relativedelta(days=20),
            lead_days=35,
        )
        cls.env["tma.preventive.plan"]._cron_generate_occurrences()
        cls.done_a = cls.plan_a.occurrence_ids.sorted("due_date")[0]
        ticket = cls.done_a.ticket_id
        ticket.action_tma_check_all()
        cls.env["tma.preventive.finding"].create(
            {
                "ticket_id": ticket.id,
                "name": "Restoring the production database takes four hours",
                "recommendation": "Move the backups to faster storage.",
            }
        )
        ticket.stage_id = cls.done
        cls.env["tma.application.component"].create(
            {
                "name": "PostgreSQL database server",
                "version": "12.22-0+deb11u1",
                "environment_id": cls.prod_a.id,
                "end_of_support_date": cls.today - relativedelta(days=1),
            }
        )

    def test_the_preventive_pages_fit_a_phone(self):
        self.assertFitsPhone("/my/tma/preventive", self.portal_a)
        self.assertFitsPhone(f"/my/tma/preventive/{self.done_a.id}", self.portal_a)
