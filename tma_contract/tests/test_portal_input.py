# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What clients type or forge comes back escaped, refused with a message in
their language, and never as a server error."""

from odoo import Command, http
from odoo.tests import HttpCase, tagged

from .common import TmaCommon

XSS = '<script>alert("tma")</script><img src=x onerror=alert(1)>'
RAW_TAGS = ('<script>alert("tma")', "<img src=x onerror")
ESCAPED = "&lt;script&gt;alert("


@tagged("post_install", "-at_install")
class TestPortalInput(HttpCase, TmaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.helpdesk_mgmt_portal_select_team = True
        cls.env.company.helpdesk_mgmt_portal_select_category = True
        cls.category.show_in_portal = True
        cls.hidden_category = cls.env["helpdesk.ticket.category"].create(
            {"name": "Internal only", "show_in_portal": False}
        )
        cls.other_team = cls.env["helpdesk.ticket.team"].create(
            {"name": "Team of another client", "show_in_portal": True}
        )
        cls.app = cls.env["tma.application"].create(
            {"name": f"ERP {XSS}", "partner_id": cls.client_a.id}
        )
        cls.contract_a = cls._create_contract(
            title=f"Upkeep {XSS}", application_ids=[Command.set(cls.app.ids)]
        )
        cls._add_book(cls.contract_a, 10, name=f"Book {XSS}")
        cls.contract_b = cls._create_contract(
            partner=cls.client_b, team_ids=[Command.set(cls.other_team.ids)]
        )
        cls.ticket = cls._create_ticket(
            cls.contract_a, name=f"Broken {XSS}", description=f"<p>Text {XSS}</p>"
        )
        cls.ticket._tma_record_consumption()
        cls.stage_progress = cls.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_stage_in_progress"
        )
        cls.stage_solved = cls.env["helpdesk.ticket.stage"].create(
            {"name": "Solved", "closed": True, "close_from_portal": True}
        )
        cls.stage_other_team = cls.env["helpdesk.ticket.stage"].create(
            {
                "name": "Closed by the other team",
                "closed": True,
                "close_from_portal": True,
                "team_ids": [Command.set(cls.other_team.ids)],
            }
        )

    def setUp(self):
        super().setUp()
        self.authenticate(self.portal_a.login, self.portal_a.login)

    def assertEscaped(self, html, url):
        for tag in RAW_TAGS:
            self.assertNotIn(tag, html, f"{url}: raw HTML of a client")
        self.assertIn(ESCAPED, html, url)

    def _csrf(self):
        return http.Request.csrf_token(self)

    def _tickets(self):
        return self.env["helpdesk.ticket"].search_count([])

    # ------------------------------------------------------------------
    # Escaping
    # ------------------------------------------------------------------
    def test_client_text_is_escaped_in_the_portal(self):
        for url in (
            "/my/tma/contracts",
            f"/my/tma/contracts/{self.contract_a.id}",
            "/my/tickets",
            f"/my/ticket/{self.ticket.id}",
        ):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 200)
                self.assertEscaped(response.text, url)

    def test_a_ticket_sent_with_html_shows_it_as_text(self):
        response = self.url_open(
            "/submitted/ticket",
            data={
                "csrf_token": self._csrf(),
                "subject": f"Subject {XSS}",
                "description": f"Description {XSS}",
                "category": self.category.id,
                "team": self.team.id,
            },
        )
        self.assertEqual(response.status_code, 200)
        ticket = self.env["helpdesk.ticket"].search([("name", "=", f"Subject {XSS}")])
        self.assertTrue(ticket)
        self.assertEscaped(response.text, "ticket page")
        self.assertNotIn("<script>", ticket.description)

    def test_messages_are_not_taken_from_the_url(self):
        for param in ("tma_error", "error", "warning", "success", "message"):
            response = self.url_open(
                f"/my/tma/contracts/{self.contract_a.id}?{param}=<b>Forged</b>"
            )
            # The language selector links back to this URL, its query
            # string URL-encoded: that is not the message.
            page = response.text.replace("%3Cb%3EForged%3C%2Fb%3E", "")
            self.assertNotIn("Forged", page, param)

    def test_a_message_with_client_text_is_escaped(self):
        self.ticket.stage_id = self.stage_solved
        response = self.url_open(
            "/ticket/close",
            data={
                "csrf_token": self._csrf(),
                "ticket_id": self.ticket.id,
                "stage_id": self.stage_solved.id,
            },
        )
        self.assertIn("o_tma_flash", response.text)
        self.assertIn("is already closed", response.text)
        self.assertEscaped(response.text, "flash")

    # ------------------------------------------------------------------
    # Closing a ticket from the portal
    # ------------------------------------------------------------------
    def _close(self, ticket_id, stage_id):
        return self.url_open(
            "/ticket/close",
            data={
                "csrf_token": self._csrf(),
                "ticket_id": ticket_id,
                "stage_id": stage_id,
            },
            allow_redirects=False,
        )

    def test_client_closes_its_ticket_by_a_post_form(self):
        page = self.url_open(f"/my/ticket/{self.ticket.id}").text
        self.assertIn('action="/ticket/close"', page)
        form = page.partition('action="/ticket/close"')[0].rpartition("<form")[2]
        self.assertIn('method="POST"', form)
        self.assertIn('name="csrf_token"', page.partition('action="/ticket/close"')[2])
        response = self._close(self.ticket.id, self.stage_solved.id)
        self.assertEqual(response.status_code, 302)  # as the host answered
        self.assertTrue(
            response.headers["Location"].endswith(f"/my/ticket/{self.ticket.id}")
        )
        self.assertEqual(self.ticket.stage_id, self.stage_solved)

    def test_closing_to_a_stage_the_portal_does_not_offer_is_refused(self):
        before = self.ticket.stage_id
        for stage in (self.stage_progress, self.stage_other_team):
            with self.subTest(stage=stage.name):
                response = self._close(self.ticket.id, stage.id)
                self.assertEqual(response.status_code, 302)
                self.assertEqual(self.ticket.stage_id, before)
                page = self.url_open(response.headers["Location"]).text
                self.assertIn("cannot be closed that way", page)
                # Shown once.
                page = self.url_open(response.headers["Location"]).text
                self.assertNotIn("cannot be closed that way", page)

    def test_closing_with_bad_ids_is_refused_without_error(self):
        for ticket_id, stage_id in (
            ("abc", self.stage_solved.id),
            (self.ticket.id, "abc"),
            (999999, self.stage_solved.id),
            ("", ""),
        ):
            with self.subTest(ticket=ticket_id, stage=stage_id):
                response = self._close(ticket_id, stage_id)
                self.assertEqual(response.status_code, 302)
        self.assertFalse(self.ticket.closed)

    def test_refusal_in_the_users_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.portal_a.lang = "fr_FR"
        self.authenticate(self.portal_a.login, self.portal_a.login)
        response = self._close(self.ticket.id, self.stage_progress.id)
        page = self.url_open(response.headers["Location"]).text
        self.assertIn("ne peut pas être clôturé", page)

    # ------------------------------------------------------------------
    # New tickets
    # ------------------------------------------------------------------
    def _submit(self, **fields):
        data = {
            "csrf_token": self._csrf(),
            "subject": "Labels come out blank",
            "description": "Since this morning.",
            "category": self.category.id,
            "team": self.team.id,
        }
        data.update(fields)
        return self.url_open("/submitted/ticket", data=data)

    def test_new_ticket_form_offers_the_clients_teams_only(self):
        html = self.url_open("/new/ticket").text
        self.assertIn(self.team.name, html)
        self.assertNotIn(self.other_team.name, html)
        self.assertIn(self.category.name, html)
        self.assertNotIn(self.hidden_category.name, html)

    def test_choices_the_form_did_not_offer_are_refused(self):
        cases = [
            ({"team": self.other_team.id}, "does not take tickets here"),
            ({"category": self.hidden_category.id}, "is not offered here"),
            ({"category": "abc"}, "not filled in correctly"),
            ({"team": "1 OR 1=1"}, "not filled in correctly"),
            ({"subject": "  "}, "Give your ticket a subject"),
            ({"description": ""}, "Describe your request"),
            ({"category": ""}, "Choose a category"),
            ({"team": ""}, "Choose a team"),
        ]
        for fields, message in cases:
            with self.subTest(fields=fields):
                before = self._tickets()
                response = self._submit(**fields)
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, response.text)
                self.assertEqual(self._tickets(), before)

    def test_offered_choices_are_accepted(self):
        response = self._submit(team=self.team.id, category=self.category.id)
        self.assertEqual(response.status_code, 200)
        ticket = self.env["helpdesk.ticket"].search(
            [("name", "=", "Labels come out blank")]
        )
        self.assertEqual(ticket.team_id, self.team)
        self.assertEqual(ticket.category_id, self.category)
        self.assertEqual(ticket.tma_contract_id, self.contract_a)

    def test_a_category_the_form_does_not_offer_is_ignored(self):
        self.env.company.helpdesk_mgmt_portal_select_category = False
        response = self._submit(category=self.hidden_category.id)
        self.assertEqual(response.status_code, 200)
        ticket = self.env["helpdesk.ticket"].search(
            [("name", "=", "Labels come out blank")]
        )
        self.assertEqual(len(ticket), 1)
        self.assertFalse(ticket.category_id)

    def test_a_ticket_is_not_created_by_a_get(self):
        before = self._tickets()
        response = self.url_open(
            "/submitted/ticket?subject=By+link&description=By+link",
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 405)
        self.assertEqual(self._tickets(), before)

    # ------------------------------------------------------------------
    # Lists with hand-made query strings
    # ------------------------------------------------------------------
    def test_lists_survive_forged_query_strings(self):
        for url in (
            "/my/tickets?sortby=nope&groupby=nope&search_in=nope&filterby=nope",
            "/my/tickets?date_begin=yesterday&date_end=today",
            "/my/tickets?groupby=stage&search=Broken",
            "/my/tickets/page/999",
            "/my/tma/contracts?sortby=nope&page=abc",
            f"/my/tma/contracts/{self.contract_a.id}?ledger_page=abc",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.url_open(url).status_code, 200)
