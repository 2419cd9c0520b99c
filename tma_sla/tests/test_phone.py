# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The client's service-level pages fit a phone's width (390 px): the ticket
with its timers and rating, the contract page with its service reports,
reviews, surveys and improvement actions, and each of these pages; nothing
scrolls sideways, in a real headless Chromium."""

from odoo.tests import HttpCase, tagged

from odoo.addons.tma_contract.tests.phone import PhoneWidthCase

from .common import TmaSlaCommon


@tagged("post_install", "-at_install")
class TestPhoneSla(PhoneWidthCase, HttpCase, TmaSlaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._client_pages(
            "Nightly invoicing export stops on a long reference",
            "Document the restore of the production database",
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
