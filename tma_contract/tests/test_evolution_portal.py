# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The client approves estimates and accepts deliveries on the portal,
through HTTP: its own only, by POST with the CSRF token."""

import re

from odoo import http
from odoo.tests import HttpCase, tagged

from .test_evolution import EvolutionCommon


@tagged("post_install", "-at_install")
class TestEvolutionPortal(HttpCase, EvolutionCommon):
    def _post(self, url, user, **data):
        self.authenticate(user.login, user.login)
        return self.url_open(
            url,
            data=dict(data, csrf_token=http.Request.csrf_token(self)),
            allow_redirects=False,
        )

    def test_contract_page_shows_estimates_and_the_available_balance(self):
        estimate = self._estimate()
        self._approved(complexity="simple")
        self.authenticate(self.portal_a.login, self.portal_a.login)
        page = self.url_open(f"/my/tma/contracts/{self.contract.id}").text
        self.assertIn(f'id="tma_estimate_{estimate.id}"', page)
        self.assertIn(f"/my/tma/estimates/{estimate.id}/approve", page)
        self.assertIn("tma_units_reserved", page)

    def test_client_approves_with_a_purchase_order(self):
        estimate = self._estimate()
        response = self._post(
            f"/my/tma/estimates/{estimate.id}/approve",
            self.portal_a,
            po_reference="PO-7",
        )
        self.assertEqual(response.status_code, 303)
        self.assertIn(
            f"/my/tma/contracts/{self.contract.id}", response.headers["Location"]
        )
        self.env.invalidate_all()
        self.assertEqual(estimate.state, "approved")
        self.assertEqual(estimate.po_reference, "PO-7")
        self.assertEqual(estimate.tma_act_partner_id, self.contact_a)

    def test_client_refuses_from_the_ticket_page(self):
        estimate = self._estimate()
        self.authenticate(self.portal_a.login, self.portal_a.login)
        page = self.url_open(f"/my/ticket/{estimate.ticket_id.id}").text
        self.assertIn(f"/my/tma/estimates/{estimate.id}/refuse", page)
        self._post(
            f"/my/tma/estimates/{estimate.id}/refuse", self.portal_a, reason="Later"
        )
        self.env.invalidate_all()
        self.assertEqual(estimate.state, "refused")
        self.assertEqual(estimate.refusal_comment, "Later")

    def test_another_client_cannot_approve_or_accept(self):
        estimate = self._estimate()
        response = self._post(f"/my/tma/estimates/{estimate.id}/approve", self.portal_b)
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/my"))
        self.env.invalidate_all()
        self.assertEqual(estimate.state, "sent")
        estimate.with_user(self.portal_a).sudo()._approve(self.contact_a)
        delivery = self._deliver(estimate)
        before = self._ledger_state(self.contract)
        for url in (
            f"/my/tma/deliveries/{delivery.id}/accept",
            f"/my/tma/deliveries/{delivery.id}/reject",
            f"/my/tma/deliveries/{delivery.id}/accept?access_token=guessed",
        ):
            response = self._post(url, self.portal_b, anomalies="Forged")
            self.assertEqual(response.status_code, 303, url)
            self.assertTrue(response.headers["Location"].endswith("/my"), url)
        self.env.invalidate_all()
        self.assertEqual(delivery.state, "delivered")
        self.assertEqual(self._ledger_state(self.contract), before)
        report = self.url_open(
            f"/my/tma/deliveries/{delivery.id}/report", allow_redirects=False
        )
        self.assertEqual(report.status_code, 303)
        # The provider's staff makes no act of the client's on the portal.
        self._post(f"/my/tma/deliveries/{delivery.id}/accept", self.engineer)
        self.env.invalidate_all()
        self.assertEqual(delivery.state, "delivered")

    def test_client_accepts_and_downloads_the_acceptance_report(self):
        delivery = self._deliver(self._approved(), 2.0)
        self.authenticate(self.portal_a.login, self.portal_a.login)
        page = self.url_open(f"/my/tma/contracts/{self.contract.id}").text
        self.assertIn(f"/my/tma/deliveries/{delivery.id}/accept", page)
        self._post(f"/my/tma/deliveries/{delivery.id}/accept", self.portal_a)
        self.env.invalidate_all()
        self.assertEqual(delivery.state, "accepted")
        self.assertEqual(self.contract.balance, 8.0)
        self.assertLedgerConsistent(self.contract)
        report = self.url_open(f"/my/tma/deliveries/{delivery.id}/report")
        self.assertEqual(report.status_code, 200)
        self.assertIn(delivery.name, report.text)

    def test_client_downloads_the_acceptance_report_as_a_file(self):
        """The portal's link (``?download=true``) gives the PDF as a file
        named after the delivery: the host's portal asks the record for the
        name (it failed with a server error before)."""
        delivery = self._deliver(self._approved(), 2.0)
        self._post(f"/my/tma/deliveries/{delivery.id}/accept", self.portal_a)
        response = self.url_open(
            f"/my/tma/deliveries/{delivery.id}/report?download=true"
        )
        self.assertEqual(response.status_code, 200)
        disposition = response.headers["Content-Disposition"]
        self.assertTrue(disposition.startswith("attachment"), disposition)
        self.assertIn(re.sub(r"\W+", "_", delivery.name), disposition)

    def test_client_rejects_with_its_anomalies(self):
        delivery = self._deliver(self._approved())
        self._post(
            f"/my/tma/deliveries/{delivery.id}/reject",
            self.portal_a,
            anomalies="The label is cut",
        )
        self.env.invalidate_all()
        self.assertEqual(delivery.state, "rejected")
        self.assertEqual(delivery.anomalies, "The label is cut")

    def test_acts_are_post_only(self):
        estimate = self._estimate()
        self.authenticate(self.portal_a.login, self.portal_a.login)
        response = self.url_open(
            f"/my/tma/estimates/{estimate.id}/approve", allow_redirects=False
        )
        self.assertIn(response.status_code, (403, 404, 405))
        self.env.invalidate_all()
        self.assertEqual(estimate.state, "sent")
