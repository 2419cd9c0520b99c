# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
import re

from odoo import http
from odoo.tests import HttpCase, tagged

from .common import TmaCommon

# Queries of the contract page, whatever the size of its ledger: 17 for the
# contract, its ledger, tickets, scope, register, packages and service reports;
# 4 for the review loop's sections (reviews, surveys, open blocking incidents,
# improvement actions), one query each; 3 for the amendments (one query) and
# the consumption forecast of a ticket book (two: the consumption of the
# forecast window, the burn-down's weekly balances); 1 for the banner of the
# client's ongoing outages (tma_sla), on every portal page.
PORTAL_CONTRACT_QUERIES = 25


@tagged("post_install", "-at_install")
class TestPortal(HttpCase, TmaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contract_a = cls._create_contract(title="Alpha upkeep")
        cls._add_book(cls.contract_a, 7, name="Book Alpha")
        cls.ticket_a = cls._create_ticket(cls.contract_a, name="Printer queue frozen")
        cls.ticket_a._tma_record_consumption()
        cls.contract_b = cls._create_contract(partner=cls.client_b, title="Beta upkeep")
        cls._add_book(cls.contract_b, 9, name="Book Beta")

    def _login(self, user):
        self.authenticate(user.login, user.login)

    def _login_form(self, login, password):
        """Log in through the login page, as a person does."""
        self.url_open("/web/login")
        page = self.url_open("/web/login").text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        return self.url_open(
            "/web/login",
            data={"login": login, "password": password, "csrf_token": csrf},
            allow_redirects=False,
        )

    def test_logging_in_sets_the_portal_in_the_users_language(self):
        """The login page sets the portal's language cookie to the default
        language; logging in replaces it by the user's."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.contact_a.lang = "fr_FR"
        response = self._login_form(self.portal_a.login, self.portal_a.login)
        self.assertIn(response.status_code, (302, 303))
        self.assertEqual(response.cookies.get("frontend_lang"), "fr_FR")
        page = self.url_open("/my/tma/contracts")
        # The page is rendered in French (the session info the page carries
        # names the language its assets and texts are in).
        self.assertIn('"lang": "fr_FR"', page.text)

    def test_a_failed_login_sets_no_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.contact_a.lang = "fr_FR"
        response = self._login_form(self.portal_a.login, "wrong password")
        self.assertEqual(response.status_code, 200)
        self.assertNotEqual(response.cookies.get("frontend_lang"), "fr_FR")

    def test_home_counter_counts_own_contracts(self):
        self._login(self.portal_a)
        response = self.url_open(
            "/my/counters",
            data=json.dumps({"params": {"counters": ["tma_contract_count"]}}),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.json()["result"]["tma_contract_count"], 1)

    def test_list_shows_only_own_contracts(self):
        self._login(self.portal_a)
        response = self.url_open("/my/tma/contracts")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.contract_a.name, response.text)
        self.assertNotIn(self.contract_b.name, response.text)

    def test_contract_page_shows_balance_books_ledger_and_tickets(self):
        self._login(self.portal_a)
        response = self.url_open(f"/my/tma/contracts/{self.contract_a.id}")
        self.assertEqual(response.status_code, 200)
        html = response.text
        self.assertIn("Alpha upkeep", html)
        self.assertIn("6.00", html)  # balance: 7 credited, 1 consumed
        self.assertIn("progress-bar", html)
        self.assertIn("Book Alpha", html)
        self.assertIn(self.ticket_a.number, html)
        self.assertIn("Printer queue frozen", html)
        self.assertIn(self.contract_a.entry_ids[0].name, html)
        self.assertNotIn("Book Beta", html)

    def test_other_clients_contract_by_id_is_refused(self):
        self._login(self.portal_a)
        response = self.url_open(
            f"/my/tma/contracts/{self.contract_b.id}", allow_redirects=False
        )
        self.assertIn(response.status_code, (302, 303))
        self.assertTrue(response.headers["Location"].endswith("/my"))
        self.assertNotIn("Book Beta", response.text)

    def test_wrong_token_is_refused(self):
        self.contract_b._portal_ensure_token()
        for user in (self.portal_a, None):
            if user:
                self._login(user)
            else:
                self.authenticate(None, None)
            response = self.url_open(
                f"/my/tma/contracts/{self.contract_b.id}?access_token=not-the-token",
                allow_redirects=False,
            )
            self.assertIn(response.status_code, (302, 303))
            self.assertNotIn("Book Beta", response.text)

    def test_public_visitor_without_token_gets_nothing(self):
        self.authenticate(None, None)
        response = self.url_open(
            f"/my/tma/contracts/{self.contract_a.id}", allow_redirects=False
        )
        self.assertIn(response.status_code, (302, 303))
        response = self.url_open("/my/tma/contracts", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])

    def test_valid_token_opens_the_shared_page(self):
        token = self.contract_b._portal_ensure_token()
        self.authenticate(None, None)
        response = self.url_open(
            f"/my/tma/contracts/{self.contract_b.id}?access_token={token}"
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Book Beta", response.text)

    def test_draft_contract_is_not_shown(self):
        draft = self._create_contract(activate=False, title="Not signed yet")
        self._login(self.portal_a)
        response = self.url_open(f"/my/tma/contracts/{draft.id}", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))

    def test_portal_ticket_is_attached_to_the_clients_contract(self):
        self.contract_a.team_ids = False
        # Clients choose among the categories the portal offers.
        self.env.company.helpdesk_mgmt_portal_select_category = True
        self._login(self.portal_a)
        response = self.url_open(
            "/submitted/ticket",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "subject": "Label printing broken",
                "description": "Labels come out blank",
                "category": self.category.id,
            },
        )
        self.assertEqual(response.status_code, 200)
        ticket = self.env["helpdesk.ticket"].search(
            [("name", "=", "Label printing broken")]
        )
        self.assertEqual(ticket.tma_contract_id, self.contract_a)

    def test_contract_page_query_count_stays_flat_as_the_ledger_grows(self):
        self._login(self.portal_a)
        url = f"/my/tma/contracts/{self.contract_a.id}"

        def count():
            before = self.cr.sql_log_count
            self.assertEqual(self.url_open(url).status_code, 200)
            return self.cr.sql_log_count - before

        def grow(n):
            # A ticket has one live consumption: the ledger grows with
            # consumptions of no ticket.
            for _i in range(n):
                self.contract_a._post_consumption(0.5)
            self.env.flush_all()

        self.contract_a.with_user(self.env.ref("base.user_admin"))._post_adjustment(
            60.0, "Grow the ledger"
        )
        grow(25)  # past one page of ledger
        count()  # warm-up: the pager template is compiled once
        with_30 = count()
        grow(60)
        with_90 = count()
        self.assertEqual(with_30, with_90, "the page reads more as the ledger grows")
        # Three of them are Odoo's own for any portal page (the default
        # language, read twice by http_routing, and the company of the
        # layout's template cache); the suite's sections take the rest, one
        # query each (contract, ledger page, tickets, books, scope, figures...).
        self.assertLessEqual(with_30, PORTAL_CONTRACT_QUERIES)
