# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
import re

from freezegun import freeze_time

from odoo import Command, http
from odoo.tests import HttpCase, tagged

from .common import TmaCommon

# Queries of the contract page, whatever the size of its ledger (README.md,
# "Portal contract page", lists them): 4 are Odoo's own (the default language,
# two by http_routing; the contract's existence in _document_check_access;
# the company of the layout's template cache); 6 are the page's: the contract,
# the visitor and the account manager, their partners, every list of the page
# in one query (search_fetch_many: ledger page, tickets with their stages and
# units, books, scope, amendments, service reports, reviews, surveys, blocking
# incidents, improvement actions, documents, packages, journal of acts,
# outage banner), the ledger's figures with the forecast window's
# consumption, the burn-down's weekly balances.
PORTAL_CONTRACT_QUERIES = 10


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

    def test_contract_page_shows_scope_and_each_tickets_units(self):
        """The scope and the tickets' units are read with the page's other
        lists: what the client reads is unchanged."""
        erp = self.env["tma.application"].create(
            {"name": "Portal ERP", "partner_id": self.client_a.id}
        )
        self.env["tma.application.environment"].create(
            [
                {"name": "Production", "application_id": erp.id, "sequence": 1},
                {"name": "Recette", "application_id": erp.id, "sequence": 2},
            ]
        )
        self.contract_a._tma_write_terms(
            {
                "application_ids": [Command.link(erp.id)],
                "maintenance_type_ids": [
                    Command.link(
                        self.env.ref("tma_contract.maintenance_type_corrective").id
                    )
                ],
            }
        )
        medium = self._create_ticket(
            self.contract_a, name="Invoice totals wrong", complexity="medium"
        )
        medium._tma_record_consumption()
        self._login(self.portal_a)
        html = self.url_open(f"/my/tma/contracts/{self.contract_a.id}").text
        scope = re.search(r'<ul id="tma_scope".*?</ul>', html, re.S).group(0)
        self.assertIn("Portal ERP", scope)
        self.assertIn("(Production, Recette)", scope)
        self.assertIn(
            self.env.ref("tma_contract.maintenance_type_corrective").name, scope
        )
        tickets = re.search(r'<table id="tma_tickets".*?</table>', html, re.S)
        rows = {
            number: row
            for row in re.findall(r"<tr>.*?</tr>", tickets.group(0), re.S)
            for number in (self.ticket_a.number, medium.number)
            if f">{number}<" in row
        }
        self.assertIn(">1.00<", rows[self.ticket_a.number])
        self.assertIn(">3.00<", rows[medium.number])
        # Another client's ticket never shows.
        other = self._create_ticket(
            self.contract_b, partner=self.contact_b, name="Beta ticket seen nowhere"
        )
        html = self.url_open(f"/my/tma/contracts/{self.contract_a.id}").text
        self.assertNotIn(other.number, html)
        self.assertNotIn("Beta ticket seen nowhere", html)

    def _journal_act(self, contract, partner, code="rating"):
        return self.env["tma.act.journal"]._tma_append(
            contract,
            {
                "code": code,
                "res_model": "tma.contract",
                "res_id": contract.id,
                "partner_id": partner.id,
                "values": {"rating": 5},
            },
        )

    def test_contract_page_shows_the_journal_of_acts_to_its_client_only(self):
        with freeze_time("2026-03-10 09:30:00"):
            entry_a = self._journal_act(self.contract_a, self.client_a, "acte_alpha")
            entry_b = self._journal_act(self.contract_b, self.client_b, "acte_beta")
        self._login(self.portal_a)
        html = self.url_open(f"/my/tma/contracts/{self.contract_a.id}").text
        self.assertIn("Journal of acts", html)
        self.assertIn("acte_alpha", html)
        self.assertIn(entry_a.inalterable_hash[:16], html)
        self.assertNotIn("acte_beta", html)
        self.assertNotIn(entry_b.inalterable_hash[:16], html)
        # The other client's page, and so its journal, stays closed.
        response = self.url_open(
            f"/my/tma/contracts/{self.contract_b.id}", allow_redirects=False
        )
        self.assertIn(response.status_code, (302, 303))
        self.assertNotIn(entry_b.inalterable_hash[:16], response.text)

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
        # An account manager of its own, as real contracts have (the user of
        # the contract's environment is read with the visitor and him).
        self.contract_a.user_id = self.manager
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
        # The journal of acts is read with the page's other lists.
        for _i in range(12):
            self._journal_act(self.contract_a, self.client_a)
        count()  # warm-up: the pager template is compiled once
        with_30 = count()
        grow(60)
        with_90 = count()
        self.assertEqual(with_30, with_90, "the page reads more as the ledger grows")
        self.assertLessEqual(with_30, PORTAL_CONTRACT_QUERIES)
