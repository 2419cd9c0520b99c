# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Portal pages of the service review loop: rating a ticket, following and
commenting an improvement action, approving review minutes; and their
refusals."""

from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import TmaSlaCommon


@tagged("post_install", "-at_install")
class TestReviewPortal(HttpCase, TmaSlaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = cls._create_ticket(cls.contract, name="Relances bloquées")
        cls.ticket.stage_id = cls.stage_done
        cls.contract_b = cls._create_contract(
            partner=cls.client_b, mode="forfait", sla_policy_id=cls.policy.id
        )
        cls.ticket_b = cls._create_ticket(
            cls.contract_b, partner=cls.contact_b, name="Ticket de B"
        )
        cls.ticket_b.stage_id = cls.stage_done
        due = fields.Date.today() + timedelta(days=15)
        Action = cls.env["tma.improvement.action"]
        cls.action = Action.create(
            {"name": "Action de A", "contract_id": cls.contract.id, "date_due": due}
        )
        cls.action_b = Action.create(
            {"name": "Action de B", "contract_id": cls.contract_b.id, "date_due": due}
        )
        cls.review = cls._submitted_review(cls.contract, cls.contact_a)
        cls.review_b = cls._submitted_review(cls.contract_b, cls.contact_b)

    def _login(self, user):
        self.authenticate(user.login, user.login)

    def _post(self, url, **data):
        data["csrf_token"] = self.csrf_token()
        return self.url_open(url, data=data, allow_redirects=False)

    def csrf_token(self):
        from odoo import http

        return http.Request.csrf_token(self)

    # ------------------------------------------------------------------
    # Rating
    # ------------------------------------------------------------------
    def test_client_rates_its_closed_ticket_from_the_portal(self):
        self._login(self.portal_a)
        page = self.url_open(f"/my/ticket/{self.ticket.id}")
        self.assertIn("o_tma_rate_form", page.text)
        response = self._post(
            f"/my/tma/tickets/{self.ticket.id}/rate", rate="5", feedback="Merci"
        )
        self.assertEqual(response.status_code, 303)
        rating = self.ticket.rating_ids.filtered("consumed")
        self.assertEqual(rating.rating, 5)
        self.assertEqual(rating.feedback, "Merci")
        page = self.url_open(f"/my/ticket/{self.ticket.id}")
        self.assertIn("o_tma_rated", page.text)

    def test_rating_another_clients_ticket_by_id_is_refused(self):
        self._login(self.portal_a)
        response = self._post(f"/my/tma/tickets/{self.ticket_b.id}/rate", rate="1")
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/my"))
        self.assertFalse(self.ticket_b.rating_ids.filtered("consumed"))

    def test_rating_with_a_wrong_token_is_refused(self):
        self._login(self.portal_a)
        self.ticket_b._portal_ensure_token()
        response = self._post(
            f"/my/tma/tickets/{self.ticket_b.id}/rate",
            rate="1",
            access_token=self.ticket.sudo()._portal_ensure_token(),
        )
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/my"))
        self.assertFalse(self.ticket_b.rating_ids.filtered("consumed"))

    # ------------------------------------------------------------------
    # Improvement actions
    # ------------------------------------------------------------------
    def test_client_follows_and_comments_its_action(self):
        self._login(self.portal_a)
        page = self.url_open(f"/my/tma/contracts/{self.contract.id}")
        self.assertIn(f"/my/tma/actions/{self.action.id}", page.text)
        self.assertNotIn(f"/my/tma/actions/{self.action_b.id}", page.text)
        response = self._post(
            f"/my/tma/actions/{self.action.id}/comment", body="Où en est-on ?"
        )
        self.assertEqual(response.status_code, 303)
        page = self.url_open(f"/my/tma/actions/{self.action.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Où en est-on ?", page.text)
        message = self.action.message_ids.filtered(
            lambda m: m.author_id == self.contact_a
        )
        self.assertEqual(len(message), 1)

    def test_another_clients_action_is_refused(self):
        self._login(self.portal_a)
        messages = len(self.action_b.message_ids)
        page = self.url_open(
            f"/my/tma/actions/{self.action_b.id}", allow_redirects=False
        )
        self.assertEqual(page.status_code, 303)
        response = self._post(
            f"/my/tma/actions/{self.action_b.id}/comment", body="Intrusion"
        )
        self.assertEqual(response.status_code, 303)
        self.assertEqual(len(self.action_b.message_ids), messages)

    # ------------------------------------------------------------------
    # Reviews
    # ------------------------------------------------------------------
    def test_client_approves_the_minutes_and_downloads_them(self):
        self._login(self.portal_a)
        page = self.url_open(f"/my/tma/reviews/{self.review.id}")
        self.assertIn("o_tma_review_approve", page.text)
        response = self._post(f"/my/tma/reviews/{self.review.id}/approve")
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.review.state, "approved")
        self.assertEqual(self.review.approved_by_id, self.contact_a)
        page = self.url_open(f"/my/tma/reviews/{self.review.id}")
        self.assertIn("o_tma_review_approved", page.text)
        pdf = self.url_open(f"/my/tma/reviews/{self.review.id}/pdf")
        self.assertEqual(pdf.status_code, 200)
        self.assertEqual(pdf.headers["Content-Type"], "application/pdf")

    def test_approving_twice_changes_nothing(self):
        self._login(self.portal_a)
        self._post(f"/my/tma/reviews/{self.review.id}/approve")
        approved_on = self.review.approved_on
        messages = len(self.review.message_ids)
        self._post(f"/my/tma/reviews/{self.review.id}/approve")
        self.review.invalidate_recordset()
        self.assertEqual(self.review.approved_on, approved_on)
        self.assertEqual(len(self.review.message_ids), messages)

    def test_provider_cannot_approve_from_the_portal(self):
        self._login(self.manager)
        response = self._post(f"/my/tma/reviews/{self.review.id}/approve")
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.review.state, "submitted")

    def test_another_clients_review_is_refused(self):
        self._login(self.portal_a)
        for url in (
            f"/my/tma/reviews/{self.review_b.id}",
            f"/my/tma/reviews/{self.review_b.id}/pdf",
        ):
            response = self.url_open(url, allow_redirects=False)
            self.assertEqual(response.status_code, 303, url)
        response = self._post(f"/my/tma/reviews/{self.review_b.id}/approve")
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/my"))
        self.assertEqual(self.review_b.state, "submitted")

    # ------------------------------------------------------------------
    # Acts recorded on the client's behalf; the confirmations
    # ------------------------------------------------------------------
    def _evidence(self):
        return self.env["ir.attachment"].create(
            {
                "name": "courriel-client.eml",
                "raw": b"Accord du client par courriel",
                "res_model": "tma.contract",
                "res_id": self.contract.id,
            }
        )

    def _entry_of(self, record):
        entry = record.sudo().tma_act_journal_id
        self.assertTrue(entry)
        return f"entry No. {entry.sequence}, hash {entry.inalterable_hash}"

    def test_the_rating_confirmation_carries_its_journal_entry(self):
        self._login(self.portal_a)
        self._post(f"/my/tma/tickets/{self.ticket.id}/rate", rate="5")
        rating = self.ticket.rating_ids.filtered("consumed")
        receipt = self._entry_of(rating)
        page = self.url_open(f"/my/ticket/{self.ticket.id}").text
        self.assertIn("Thank you for your rating.", page)
        self.assertIn(receipt, page)
        self.assertNotIn("o_tma_act_on_behalf", page)
        # The email to the client carries it too.
        message = self.ticket.message_ids.filtered(lambda m: receipt in m.body)
        self.assertEqual(message.partner_ids, self.contact_a)

    def test_a_rating_recorded_on_behalf_says_so_on_the_ticket_page(self):
        self.ticket.with_user(self.manager).sudo()._tma_portal_rate(
            self.contact_a,
            3,
            on_behalf_reason="Note donnée au téléphone",
            evidence=self._evidence(),
        )
        self._login(self.portal_a)
        page = self.url_open(f"/my/ticket/{self.ticket.id}").text
        self.assertIn("o_tma_act_on_behalf", page)
        self.assertIn(f"Recorded by {self.manager.name} on behalf of", page)

    def test_minutes_approved_on_behalf_say_so_on_the_review_page(self):
        self.review.with_user(self.manager).sudo()._portal_approve(
            self.contact_a,
            on_behalf_reason="Approbation par courriel",
            evidence=self._evidence(),
        )
        self._login(self.portal_a)
        page = self.url_open(f"/my/tma/reviews/{self.review.id}").text
        self.assertIn("o_tma_review_approved", page)
        self.assertIn(f"Recorded by {self.manager.name} on behalf of", page)

    def test_the_minutes_approval_confirmation_carries_its_journal_entry(self):
        self._login(self.portal_a)
        self._post(f"/my/tma/reviews/{self.review.id}/approve")
        page = self.url_open(f"/my/tma/reviews/{self.review.id}").text
        self.assertIn("The minutes are approved. Thank you.", page)
        self.assertIn(self._entry_of(self.review), page)
        self.assertNotIn("o_tma_act_on_behalf", page)
