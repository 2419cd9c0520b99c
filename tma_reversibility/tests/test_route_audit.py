# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Route audit of tma_reversibility: packages, checklists and handovers of
client B stay B's (and its successor's, for the checklist); so do the
documents of its register over RPC as this addon extends them."""

import base64

from odoo.tests import HttpCase, tagged

from odoo.addons.tma_contract.tests.common import TmaCommon
from odoo.addons.tma_contract.tests.route_audit import (
    Probe,
    RouteAuditCase,
    live_routes,
    routes_of,
    suite_models,
    suite_public_methods,
)

MARK = "Zq9B-HANDOVER"
B_FILE = f"{MARK} run book content".encode()
SHARED_MODELS = frozenset(
    {
        "tma.reversibility.template",
        "tma.reversibility.template.line",
        "tma.takeon.template",
        "tma.takeon.template.line",
        # Extended to show the rules the time (tma_now): no client's data,
        # and no access for portal users.
        "ir.rule",
    }
)


@tagged("post_install", "-at_install")
class TestRouteAudit(RouteAuditCase, HttpCase, TmaCommon):
    audit_models = {
        "tma.contract": "partner_id",
        "tma.document": "partner_id",
        "tma.reversibility.item": "partner_id",
        "tma.reversibility.package": "partner_id",
        "helpdesk.ticket": "partner_id",
        "tma.takeon.item": "partner_id",
    }

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.audit_client = cls.client_b
        Document = cls.env["tma.document"]
        Package = cls.env["tma.reversibility.package"]
        # Client A, and what it holds: tokens it could try on B's ids.
        cls.contract_a = cls._create_contract(title="Alpha upkeep")
        cls.document_a = Document.create(
            {
                "contract_id": cls.contract_a.id,
                "name": "Alpha run book",
                "file": base64.b64encode(b"alpha"),
                "file_name": "alpha.txt",
            }
        )
        cls.package_a = Package._request(cls.contract_a)
        # Client B in reversibility, with a successor.
        cls.successor_b = cls.env["res.partner"].create(
            {"name": "Successor of B", "is_company": True}
        )
        cls.portal_successor_b = cls._create_portal_user(
            "portal_successor_b_t",
            cls.env["res.partner"].create(
                {"name": "Sam", "parent_id": cls.successor_b.id}
            ),
        )
        cls.contract_b = cls._create_contract(
            partner=cls.client_b,
            name=f"{MARK}-CONTRACT",
            title=f"{MARK} upkeep",
            successor_id=cls.successor_b.id,
        )
        cls.ticket_b = cls._create_ticket(
            cls.contract_b, partner=cls.contact_b, name=f"{MARK} ticket"
        )
        cls.document_b = Document.create(
            {
                "contract_id": cls.contract_b.id,
                "name": f"{MARK} run book",
                "doc_type": "runbook",
                "file": base64.b64encode(B_FILE),
                "file_name": f"{MARK}.txt",
            }
        )
        cls.contract_b.action_start_reversibility()
        items = cls.contract_b.reversibility_item_ids
        cls.client_item_b = items.filtered(lambda i: i.side == "client")[0]
        cls.client_item_b.name = f"{MARK} item"
        cls.package_b = Package._request(cls.contract_b)
        # Client B takes another contract on, from an outgoing provider.
        cls.predecessor_b = cls.env["res.partner"].create(
            {"name": "Predecessor of B", "is_company": True}
        )
        cls.portal_predecessor_b = cls._create_portal_user(
            "portal_predecessor_b_t",
            cls.env["res.partner"].create(
                {"name": "Paul", "parent_id": cls.predecessor_b.id}
            ),
        )
        cls.takeon_b = cls._create_contract(
            partner=cls.client_b,
            activate=False,
            name=f"{MARK}-TAKEON",
            predecessor_id=cls.predecessor_b.id,
        )
        cls.takeon_b.action_start_transition()
        cls.takeon_item_b = cls.takeon_b.takeon_item_ids.filtered(
            lambda i: i.side == "client" and i.item_type != "service_start"
        )[0]
        cls.takeon_item_b.name = f"{MARK} take-on item"
        # The cron builds every package queued (the demo's too, if any).
        Package._cron_build_packages(
            limit=Package.search_count([("state", "=", "queued")])
        )
        for record in (
            cls.document_a,
            cls.package_a,
            cls.document_b,
            cls.package_b,
            cls.contract_b,
        ):
            record._portal_ensure_token()
        cls.audit_secrets = [MARK, B_FILE, cls.package_b.attachment_id.raw]
        cls.audit_guessed_tokens = [
            cls.document_a.access_token,
            cls.package_a.access_token,
        ]

    # ------------------------------------------------------------------
    # Routes
    # ------------------------------------------------------------------
    def _read_probes(self):
        b, successor = self.portal_b, self.portal_successor_b
        # (The register's route, /my/tma/documents/<id>, is tma_contract's
        # and audited there.)
        return [
            Probe(
                "/my/tma/packages/<int:package_id>",
                f"/my/tma/packages/{self.package_b.id}",
                owner=b,
                token=self.package_b.access_token,
            ),
            Probe("/my/tma/handover", "/my/tma/handover", owner=successor),
            Probe(
                "/my/tma/handover/<int:contract_id>",
                f"/my/tma/handover/{self.contract_b.id}",
                owner=successor,
            ),
            Probe("/my/tma/takeon", "/my/tma/takeon", owner=self.portal_predecessor_b),
            Probe(
                "/my/tma/takeon/<int:contract_id>",
                f"/my/tma/takeon/{self.takeon_b.id}",
                owner=self.portal_predecessor_b,
            ),
        ]

    def _effect_probes(self):
        return [
            Probe(
                "/my/tma/contracts/<int:contract_id>/package",
                f"/my/tma/contracts/{self.contract_b.id}/package",
                method="POST",
                owner=self.portal_b,
                effect=True,
            ),
            Probe(
                "/my/tma/checklist/<int:item_id>/sign",
                f"/my/tma/checklist/{self.client_item_b.id}/sign",
                method="POST",
                owner=self.portal_b,
                effect=True,
            ),
            Probe(
                "/my/tma/takeon/item/<int:item_id>/sign",
                f"/my/tma/takeon/item/{self.takeon_item_b.id}/sign",
                method="POST",
                owner=self.portal_b,
                effect=True,
            ),
        ]

    def test_every_route_of_tma_reversibility_is_audited(self):
        routes = routes_of(self.env, {"tma_reversibility"})
        audited = {p.rule for p in self._read_probes() + self._effect_probes()}
        self.assertEqual(set(routes), audited)

    def test_read_routes_refuse_other_clients_and_the_public(self):
        # The successor of B is not its client: documents and packages stay B's.
        visitors = (None, self.portal_a, self.portal_successor_b)
        for probe in self._read_probes()[:2]:
            self.assertRouteRefuses(probe, visitors)
        # The handover pages are the successor's: not B's other clients'.
        for probe in self._read_probes()[2:]:
            self.assertRouteRefuses(probe)

    def test_package_request_is_refused_to_others(self):
        self.assertRouteRefuses(self._effect_probes()[0])
        self.assertEqual(len(self.contract_b.package_ids), 2)  # B's request

    def test_checklist_sign_off_is_refused_to_others(self):
        visitors = (None, self.portal_a, self.portal_successor_b)
        self.assertRouteRefuses(self._effect_probes()[1], visitors)
        self.assertEqual(self.client_item_b.signed_by_id, self.portal_b)

    def test_take_on_sign_off_is_refused_to_others(self):
        visitors = (None, self.portal_a, self.portal_predecessor_b)
        self.assertRouteRefuses(self._effect_probes()[2], visitors)
        self.assertEqual(self.takeon_item_b.signed_by_id, self.portal_b)

    def test_state_changing_routes_are_post_only_with_csrf(self):
        routes = live_routes(self.env)
        for probe in self._effect_probes():
            info = routes[probe.rule]
            self.assertEqual(info.methods, {"POST"}, probe.rule)
            self.assertTrue(info.csrf, probe.rule)
            self.assertCsrfProtected(probe)

    def test_core_routes_on_b_records_refuse_a_and_the_public(self):
        probes = [
            Probe(
                "/mail/chatter_fetch",
                "/mail/chatter_fetch",
                method="JSON",
                data={"thread_model": "tma.document", "thread_id": self.document_b.id},
                token=self.document_b.access_token,
                token_param="token",
            ),
            Probe(
                "/report/<converter>/<reportname>/<docids>",
                "/report/html/tma_reversibility.report_tma_package/"
                f"{self.package_b.id}",
                owner=self.env.ref("base.user_admin"),
            ),
            Probe(
                "/web/content/<int:id>",
                f"/web/content/{self.package_b.attachment_id.id}?download=true",
                owner=self.env.ref("base.user_admin"),
            ),
        ]
        self.document_b.message_post(
            body=f"{MARK} note for the client",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        for probe in probes:
            self.assertRouteRefuses(probe)

    # ------------------------------------------------------------------
    # JSON-RPC
    # ------------------------------------------------------------------
    def _b_preventive_occurrence(self):
        application = self.env["tma.application"].create(
            {"name": f"{MARK} application", "partner_id": self.client_b.id}
        )
        plan = self.env["tma.preventive.plan"].create(
            {
                "name": f"{MARK} audit",
                "contract_id": self.contract_b.id,
                "application_id": application.id,
                "audit_kind": "security",
            }
        )
        return self.env["tma.preventive.occurrence"].create(
            {
                "plan_id": plan.id,
                "contract_id": self.contract_b.id,
                "partner_id": self.client_b.id,
                "company_id": self.contract_b.company_id.id,
                "application_id": application.id,
                "due_date": "2026-11-02",
                "report": f"<p>{MARK} report</p>",
            }
        )

    def test_rpc_on_b_records_is_refused(self):
        targets = {
            "tma.contract": (self.contract_b, {"successor_id": False}, None),
            "tma.document": (
                self.document_b,
                {"name": "A was here"},
                {"contract_id": self.contract_b.id, "name": "A"},
            ),
            "tma.reversibility.item": (
                self.contract_b.reversibility_item_ids,
                {"state": "signed"},
                {"contract_id": self.contract_b.id, "name": "A", "side": "client"},
            ),
            "tma.reversibility.package": (
                self.package_b,
                {"state": "queued"},
                {"contract_id": self.contract_b.id},
            ),
            "helpdesk.ticket": (self.ticket_b, {"name": "A was here"}, None),
            "tma.takeon.item": (
                self.takeon_b.takeon_item_ids,
                {"state": "signed"},
                {"contract_id": self.takeon_b.id, "name": "A", "side": "client"},
            ),
            "tma.takeon.import": (
                self.env["tma.takeon.import"]
                .with_user(self.env.ref("base.user_admin"))
                .create(
                    {
                        "contract_id": self.takeon_b.id,
                        "package": base64.b64encode(b"A"),
                    }
                ),
                {"package_name": "A"},
                {"contract_id": self.takeon_b.id, "package": "QQ=="},
            ),
            "tma.preventive.occurrence": (
                self._b_preventive_occurrence(),
                {"report": "A was here"},
                None,
            ),
        }
        models = suite_models(self.env, {"tma_reversibility"})
        self.assertEqual(models - set(targets) - SHARED_MODELS, set())
        self._audit_login(self.portal_a)
        for model, (records, write_vals, create_vals) in targets.items():
            methods = suite_public_methods(self.env, model, {"tma_reversibility"})
            with self.subTest(model=model):
                self.assertModelRefusesRpc(
                    model, records, write_vals, create_vals, methods
                )
        # The successor reads B's checklist, and acts on nothing but its items.
        self._audit_login(self.portal_successor_b)
        for model in ("tma.contract", "tma.document", "tma.reversibility.package"):
            records = targets[model][0]
            methods = suite_public_methods(self.env, model, {"tma_reversibility"})
            with self.subTest(model=model, user="successor"):
                self.assertModelRefusesRpc(
                    model, records, targets[model][1], None, methods
                )
