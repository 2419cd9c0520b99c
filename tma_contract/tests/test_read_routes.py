# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The suite's read-only routes may go to a replica: each route that only
reads is declared so (with the read-your-writes check of tools/replica.py),
each route that writes is not, and the pages read in a read-only transaction
without writing anything."""

import base64

from odoo.tests import tagged

from odoo.addons.tma_contract.tools.replica import read_route, read_your_writes

from .common import TmaCommon
from .read_routes import ReadRouteCase
from .route_audit import live_routes, routes_of
from .test_preventive_portal import PreventivePortalCommon

SUITE = ("tma_contract", "tma_sla", "tma_reversibility", "tma_helpdesk_mgmt_sla")
# Suite routes answering GET that write, and why.
WRITING_ROUTES = {
    # Logging in writes the session and the login date (the host's route).
    "/web/login": "logs the user in",
}


@tagged("post_install", "-at_install")
class TestReadRoutesDeclared(TmaCommon):
    def test_every_reading_route_of_the_suite_may_go_to_the_replica(self):
        routes = routes_of(self.env, SUITE)
        self.assertTrue(routes)
        reading = {
            rule: info
            for rule, info in routes.items()
            if not info.methods or "GET" in info.methods
        }
        self.assertIn("/my/tma/contracts/<int:contract_id>", reading)
        for rule, info in reading.items():
            with self.subTest(rule=rule):
                declared = info.readonly.tma_original
                if rule in WRITING_ROUTES:
                    self.assertIsNot(declared, read_route)
                else:
                    self.assertIs(declared, read_route)

    def test_no_route_that_acts_goes_to_the_replica(self):
        acting = {
            rule: info
            for rule, info in routes_of(self.env, SUITE).items()
            if info.methods and "GET" not in info.methods
        }
        self.assertIn("/my/tma/amendments/<int:amendment_id>/approve", acting)
        for rule, info in acting.items():
            with self.subTest(rule=rule):
                self.assertFalse(info.readonly.tma_original)

    def test_every_route_reads_the_sessions_own_writes(self):
        """Odoo's routes too (the web client reads a record through
        ``call_kw`` right after a button wrote it): each route's
        ``readonly`` is wrapped by ``read_your_writes`` once."""
        routes = live_routes(self.env)
        self.assertIn("/web/dataset/call_kw", routes)
        for rule, info in routes.items():
            with self.subTest(rule=rule):
                self.assertTrue(callable(info.readonly))
                self.assertIsNotNone(info.readonly.tma_original)
                self.assertIs(read_your_writes(info.readonly), info.readonly)


@tagged("post_install", "-at_install")
class TestReadRoutesContract(ReadRouteCase, TmaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contract = cls._create_contract(title="Maintenance of the whole ERP")
        cls._add_book(cls.contract, 7, name="Book of the first quarter")
        ticket = cls._create_ticket(cls.contract, name="Export stops")
        ticket._tma_record_consumption()
        cls.document = cls.env["tma.document"].create(
            {
                "contract_id": cls.contract.id,
                "name": "Run book",
                "doc_type": "runbook",
                "file": base64.b64encode(b"how to run it"),
                "file_name": "runbook.txt",
            }
        )

    def test_the_contract_pages_read_only(self):
        for url in (
            "/my/tma/contracts",
            f"/my/tma/contracts/{self.contract.id}",
            f"/my/tma/contracts/{self.contract.id}?ledger_page=2",
            "/my/tickets",
            f"/my/tma/documents/{self.document.id}",
        ):
            with self.subTest(url=url):
                self.assertReadsOnly(url, self.portal_a)


@tagged("post_install", "-at_install")
class TestReadRoutesPreventive(ReadRouteCase, PreventivePortalCommon):
    def test_the_preventive_pages_read_only(self):
        self.assertReadsOnly("/my/tma/preventive", self.portal_a)
        self.assertReadsOnly(f"/my/tma/preventive/{self.done_a.id}", self.portal_a)
