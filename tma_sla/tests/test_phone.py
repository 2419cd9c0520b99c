# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The client's service-level pages fit a phone's width (390 px): the ticket
with its timers and rating, the contract page with its service reports,
reviews, surveys and improvement actions, and each of these pages; nothing
scrolls sideways, in a real headless Chromium."""

from datetime import date, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.tma_contract.tests.phone import PhoneWidthCase

from .common import TmaSlaCommon


@tagged("post_install", "-at_install")
class TestPhoneSla(PhoneWidthCase, HttpCase, TmaSlaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contract.date_start = date(2026, 1, 1)
        cls.ticket = cls._create_ticket(
            cls.contract,
            name="Nightly invoicing export stops on a long reference",
            tma_support_level_id=cls.l1.id,
        )
        # Its page is the contract page (where the reports are listed).
        cls.env["tma.sla.service.report"]._generate_for(cls.contract, date(2026, 11, 1))
        cls.action = cls.env["tma.improvement.action"].create(
            {
                "name": "Document the restore of the production database",
                "contract_id": cls.contract.id,
                "date_due": fields.Date.today() + timedelta(days=15),
            }
        )
        cls.review = cls._submitted_review(cls.contract, cls.contact_a)
        with freeze_time("2026-10-02"):
            # The cron opens the quarter's survey of every running contract
            # (the demo's, started a year back, too): this one's.
            cls.survey = (
                cls.env["tma.satisfaction.survey"]
                ._cron_open_surveys()
                .filtered(lambda s: s.contract_id == cls.contract)
            )

    def test_the_ticket_page_fits_a_phone(self):
        self.assertFitsPhone(f"/my/ticket/{self.ticket.id}", self.portal_a)
        self.ticket.stage_id = self.stage_done
        self.assertFitsPhone(f"/my/ticket/{self.ticket.id}", self.portal_a)

    def test_the_contract_page_fits_a_phone(self):
        self.assertFitsPhone(f"/my/tma/contracts/{self.contract.id}", self.portal_a)

    def test_the_review_survey_and_action_pages_fit_a_phone(self):
        for url in (
            f"/my/tma/reviews/{self.review.id}",
            f"/my/tma/surveys/{self.survey.id}",
            f"/my/tma/actions/{self.action.id}",
        ):
            with self.subTest(url=url):
                self.assertFitsPhone(url, self.portal_a)
