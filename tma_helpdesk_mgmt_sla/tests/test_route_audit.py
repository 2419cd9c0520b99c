# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Route audit of OCA helpdesk_mgmt_sla beside the suite: client A never reads
client B's ``helpdesk.ticket.sla`` rows, by JSON-RPC nor through a portal
route; each client still reads its own (positive control)."""

import json

from odoo.tests import HttpCase, tagged

from odoo.addons.tma_contract.tests.common import TmaCommon
from odoo.addons.tma_contract.tests.route_audit import (
    REFUSED_ERRORS,
    Probe,
    RouteAuditCase,
    routes_of,
)

MARK = "Zq9B-HSLA"
MODEL = "helpdesk.ticket.sla"


@tagged("post_install", "-at_install")
class TestHelpdeskTicketSlaAudit(RouteAuditCase, HttpCase, TmaCommon):
    audit_models = {"helpdesk.ticket": "partner_id"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team.use_sla = True
        cls.sla = cls.env["helpdesk.sla"].create(
            {"name": "Four hours", "team_ids": [(6, 0, cls.team.ids)], "hours": 4}
        )
        cls.contract_a = cls._create_contract(mode="forfait")
        cls.ticket_a = cls._create_ticket(cls.contract_a, name="A's own ticket")
        cls.contract_b = cls._create_contract(partner=cls.client_b, mode="forfait")
        cls.ticket_b = cls._create_ticket(
            cls.contract_b, partner=cls.contact_b, name=f"{MARK} ticket"
        )
        cls.rows_a = cls.ticket_a.ticket_sla_ids
        cls.rows_b = cls.ticket_b.ticket_sla_ids
        cls.audit_client = cls.client_b
        # B's ticket title reaches a reader of B's rows through ticket_id.
        cls.audit_secrets = [MARK]
        cls.audit_guessed_tokens = []

    def _search_read(self, domain, fields=("ticket_id", "deadline")):
        result = self._audit_call_kw(MODEL, "search_read", [domain], {"fields": fields})
        self.assertNotIn("error", result, result)
        return result["result"]

    def test_fixtures_have_sla_rows(self):
        self.assertTrue(self.rows_a)
        self.assertTrue(self.rows_b)

    def test_rpc_on_b_rows_is_refused(self):
        self._audit_login(self.portal_a)
        self.assertModelRefusesRpc(
            MODEL,
            self.rows_b,
            {"consumed_time": 1.0},
            {"ticket_id": self.ticket_b.id, "sla_id": self.sla.id},
        )
        for method, args, kwargs in (
            ("web_search_read", [[]], {"specification": {"ticket_id": {}}}),
            ("read_group", [[], ["ticket_id"], ["ticket_id"]], {}),
            ("search_count", [[("ticket_id", "=", self.ticket_b.id)]], {}),
        ):
            with self.subTest(method=method):
                result = self._audit_call_kw(MODEL, method, args, kwargs)
                if "error" in result:
                    self.assertIn(result["error"]["data"]["name"], REFUSED_ERRORS)
                else:
                    self.assertNoLeak(_Json(result), method)
                    if method == "search_count":
                        self.assertEqual(result["result"], 0)

    def test_each_client_reads_its_own_rows(self):
        """Positive control: the refusals above are not vacuous."""
        self._audit_login(self.portal_a)
        rows = self._search_read([])
        self.assertEqual({row["id"] for row in rows}, set(self.rows_a.ids))
        self._audit_login(self.portal_b)
        rows = self._search_read([("id", "in", self.rows_b.ids)])
        self.assertEqual({row["id"] for row in rows}, set(self.rows_b.ids))
        self.assertIn(MARK, rows[0]["ticket_id"][1])

    def test_no_portal_route_serves_b_rows(self):
        # Neither helpdesk_mgmt_sla nor this bridge adds a route: the rows are
        # reachable by JSON-RPC (above) and through the host's ticket page.
        self.assertEqual(
            routes_of(self.env, {"helpdesk_mgmt_sla", "tma_helpdesk_mgmt_sla"}), {}
        )
        self.assertRouteRefuses(
            Probe(
                "/my/ticket/<int:ticket_id>",
                f"/my/ticket/{self.ticket_b.id}",
                owner=self.portal_b,
            )
        )


class _Json:
    """A JSON-RPC answer, seen as a response by assertNoLeak."""

    def __init__(self, result):
        self.content = json.dumps(result).encode()
        self.headers = {}
