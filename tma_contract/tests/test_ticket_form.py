# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import TmaCommon


@tagged("post_install", "-at_install")
class TestPortalTicketForm(HttpCase, TmaCommon):
    """The portal's new ticket form: a client opens tickets on its contracts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.app_a = cls.env["tma.application"].create(
            {"name": "Alpha WMS", "partner_id": cls.client_a.id}
        )
        cls.app_a2 = cls.env["tma.application"].create(
            {"name": "Alpha intranet", "partner_id": cls.client_a.id}
        )
        cls.contract_a = cls._create_contract(
            title="Alpha upkeep",
            application_ids=[Command.set(cls.app_a.ids)],
            out_of_scope_policy="refuse",
        )
        cls.draft_a = cls._create_contract(title="Alpha next year", activate=False)
        cls.contract_b = cls._create_contract(partner=cls.client_b, title="Beta upkeep")

    def setUp(self):
        super().setUp()
        self.authenticate(self.portal_a.login, self.portal_a.login)

    def _csrf(self):
        page = self.url_open("/new/ticket").text
        anchor = 'name="csrf_token" value="'
        self.assertIn(anchor, page)
        return page.partition(anchor)[2].partition('"')[0]

    def _submit(self, **fields):
        data = {
            "csrf_token": self._csrf(),
            "subject": "Stock moves stuck",
            "description": "Since the last release.",
        }
        data.update(fields)
        return self.url_open("/submitted/ticket", data=data, allow_redirects=False)

    def _tickets(self):
        return self.env["helpdesk.ticket"].search(
            [("partner_id", "=", self.contact_a.id)]
        )

    def test_form_offers_the_clients_active_contracts_only(self):
        html = self.url_open("/new/ticket").text
        self.assertIn('name="tma_contract_id"', html)
        self.assertIn(self.contract_a.name, html)
        self.assertNotIn(self.draft_a.name, html)
        self.assertNotIn(self.contract_b.name, html)
        self.assertIn("Alpha WMS", html)
        self.assertNotIn("Alpha intranet", html)  # not in the contract's scope

    def test_empty_form_has_every_field(self):
        html = self.url_open("/new/ticket").text
        for field in (
            '<input type="text" class="form-control" name="subject"',
            '<textarea class="form-control" name="description"',
            '<select id="tma_contract_id"',
            '<select id="tma_application_id"',
            'type="file"',
        ):
            self.assertIn(field, html)

    def test_a_refused_form_comes_back_with_what_was_typed(self):
        response = self._submit(
            tma_contract_id=str(self.contract_b.id),
            subject="Printer offline",
            description="Every label since <b>Monday</b>.",
        )
        html = response.text
        self.assertIn('value="Printer offline"', html)
        self.assertRegex(
            html,
            r'<textarea class="form-control" name="description"[^>]*>'
            r"Every label since &lt;b&gt;Monday&lt;/b&gt;.</textarea>",
        )

    def test_ticket_is_attached_to_the_chosen_contract_and_its_team(self):
        response = self._submit(
            tma_contract_id=str(self.contract_a.id),
            tma_application_id=str(self.app_a.id),
        )
        self.assertIn(response.status_code, (302, 303))
        ticket = self._tickets()
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.tma_contract_id, self.contract_a)
        self.assertEqual(ticket.tma_application_id, self.app_a)
        self.assertEqual(ticket.team_id, self.team)
        self.assertEqual(ticket.stage_id, self.team._get_applicable_stages()[:1])
        self.assertTrue(
            response.headers["Location"].endswith(f"/my/ticket/{ticket.id}")
        )

    def test_the_only_active_contract_is_the_default(self):
        self._submit()
        self.assertEqual(self._tickets().tma_contract_id, self.contract_a)

    def test_another_clients_contract_is_refused(self):
        response = self._submit(tma_contract_id=str(self.contract_b.id))
        # The form comes back with the reason and what the client typed.
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_tma_flash", response.text)
        self.assertIn("not an active contract of yours", response.text)
        self.assertIn("Stock moves stuck", response.text)
        self.assertFalse(self._tickets())
        self.assertFalse(
            self.env["helpdesk.ticket"].search(
                [("tma_contract_id", "=", self.contract_b.id)]
            )
        )

    def test_a_draft_contract_is_refused(self):
        response = self._submit(tma_contract_id=str(self.draft_a.id))
        self.assertIn("not an active contract of yours", response.text)
        self.assertFalse(self._tickets())

    def test_an_application_outside_the_contract_is_refused(self):
        response = self._submit(
            tma_contract_id=str(self.contract_a.id),
            tma_application_id=str(self.app_a2.id),
        )
        self.assertIn("o_tma_flash", response.text)
        self.assertIn("not in the scope", response.text)
        self.assertFalse(self._tickets())

    def test_a_request_outside_a_refusing_scope_is_refused(self):
        corrective = self.env.ref("tma_contract.maintenance_type_corrective")
        assistance = self.env.ref("tma_contract.maintenance_type_assistance")
        self.contract_a._tma_write_terms(
            {"maintenance_type_ids": [Command.set(corrective.ids)]}
        )
        html = self.url_open("/new/ticket").text
        self.assertIn('name="tma_maintenance_type_id"', html)
        response = self._submit(
            tma_contract_id=str(self.contract_a.id),
            tma_maintenance_type_id=str(assistance.id),
        )
        self.assertIn("o_tma_flash", response.text)
        self.assertIn("outside the scope", response.text)
        self.assertFalse(self._tickets())
        self._submit(
            tma_contract_id=str(self.contract_a.id),
            tma_maintenance_type_id=str(corrective.id),
        )
        self.assertEqual(self._tickets().tma_maintenance_type_id, corrective)

    def test_an_unknown_kind_of_request_is_refused(self):
        response = self._submit(tma_maintenance_type_id="999999")
        self.assertIn("is not offered", response.text)
        self.assertFalse(self._tickets())

    def test_out_of_scope_requests_are_taken_when_the_contract_bills_them(self):
        self.contract_a.out_of_scope_policy = "bill"
        html = self.url_open("/new/ticket").text
        self.assertIn("Alpha intranet", html)
        self.assertIn("out of scope", html)
        response = self._submit(
            tma_contract_id=str(self.contract_a.id),
            tma_application_id=str(self.app_a2.id),
        )
        self.assertIn(response.status_code, (302, 303))
        ticket = self._tickets()
        self.assertEqual(ticket.tma_application_id, self.app_a2)
        self.assertEqual(self.contract_a._get_scope_treatment(ticket), "billed")

    def test_another_clients_application_is_refused_whatever_the_policy(self):
        self.contract_a.out_of_scope_policy = "bill"
        app_b = self.env["tma.application"].create(
            {"name": "Beta ERP", "partner_id": self.client_b.id}
        )
        self.assertNotIn("Beta ERP", self.url_open("/new/ticket").text)
        response = self._submit(
            tma_contract_id=str(self.contract_a.id), tma_application_id=str(app_b.id)
        )
        self.assertIn("not in the scope", response.text)
        self.assertFalse(self._tickets())
