# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Route audit of tma_contract and of its hosts: the OCA helpdesk
(helpdesk_mgmt and the OCA helpdesk addons the suite depends on) and the OCA
contract addon, which holds the recurring contracts of fixed fees."""

import base64

from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import TmaCommon
from .route_audit import (
    Probe,
    RouteAuditCase,
    live_routes,
    routes_of,
    suite_models,
    suite_public_methods,
)

MARK = "Zq9B-SECRET"
B_FILE = f"{MARK} attached file".encode()
# Routes of these modules are audited here.
AUDITED_MODULES = frozenset(
    {
        "tma_contract",
        "helpdesk_mgmt",
        "helpdesk_mgmt_timesheet",
        "helpdesk_mgmt_project",
        "contract",
    }
)
# Models of tma_contract that hold no client data (configuration shared by
# every client, or technical): probed by other tests or not at all.
SHARED_MODELS = frozenset(
    {
        "tma.maintenance.type",
        "tma.support.level",
        "helpdesk.ticket.stage",
        "ir.attachment",
        "product.template",
        "product.product",
        "res.company",
        "res.config.settings",
    }
)
# Models a portal user reads without a record rule restricting it: shared
# configuration and reference data, or models with their own access checks
# (mail.message, mail.notification, res.users, bus.presence).
PORTAL_READABLE_WITHOUT_RULE = frozenset(
    {
        "account.payment.term",
        "bus.presence",
        "helpdesk.ticket.category",
        "helpdesk.ticket.stage",
        "mail.message",
        "mail.notification",
        "payment.method",
        "project.tags",
        "res.country",
        "res.country.group",
        "res.country.state",
        "res.currency",
        "res.currency.rate",
        "res.lang",
        "res.partner.autocomplete.sync",
        "res.users",
        "tma.maintenance.type",
        "tma.support.level",
    }
)


class TmaAuditCommon(RouteAuditCase, TmaCommon):
    """Client A (portal_a) with a contract and a ticket; client B (portal_b)
    with a contract, a team of its own, a ticket with a message and a file, a
    unit book, an application, a sale order and an OCA recurring contract,
    all marked with MARK."""

    audit_models = {
        "tma.contract": "partner_id",
        "tma.unit.book": "partner_id",
        "tma.unit.entry": "partner_id",
        "tma.application": "partner_id",
        "tma.application.environment": "partner_id",
        "helpdesk.ticket": "partner_id",
        "contract.contract": "partner_id",
        "sale.order": "partner_id",
        "tma.contract.amendment": "partner_id",
        "tma.preventive.plan": "partner_id",
        "tma.preventive.occurrence": "partner_id",
        "tma.application.component": "partner_id",
        "tma.document": "partner_id",
        "tma.evolution.estimate": "partner_id",
        "tma.evolution.delivery": "partner_id",
    }

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.helpdesk_mgmt_portal_select_team = True
        cls.audit_client = cls.client_b
        cls.stage_solved = cls.env["helpdesk.ticket.stage"].create(
            {
                "name": "Solved by the client",
                "closed": True,
                "close_from_portal": True,
                "sequence": 90,
            }
        )
        # Client A
        cls.contract_a = cls._create_contract(title="Alpha upkeep")
        cls.ticket_a = cls._create_ticket(cls.contract_a, name="Alpha ticket")
        # Client B
        cls.team_b = cls.env["helpdesk.ticket.team"].create(
            {"name": f"{MARK} team", "show_in_portal": True}
        )
        cls.app_b = cls.env["tma.application"].create(
            {
                "name": f"{MARK} application",
                "partner_id": cls.client_b.id,
                "environment_ids": [Command.create({"name": f"{MARK} production"})],
            }
        )
        cls.contract_b = cls._create_contract(
            partner=cls.client_b,
            name=f"{MARK}-CONTRACT",
            title=f"{MARK} upkeep",
            team_ids=[Command.set(cls.team_b.ids)],
            application_ids=[Command.set(cls.app_b.ids)],
        )
        cls.book_b = cls._add_book(cls.contract_b, 9, name=f"{MARK} book")
        cls.ticket_b = cls._create_ticket(
            cls.contract_b,
            partner=cls.contact_b,
            name=f"{MARK} ticket",
            description=f"<p>{MARK} description</p>",
            team_id=cls.team_b.id,
        )
        cls.ticket_b._tma_record_consumption()
        for record in (cls.ticket_b, cls.contract_b):
            record.message_post(
                body=f"{MARK} message",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        cls.attachment_b = cls.env["ir.attachment"].create(
            {
                "name": f"{MARK}.txt",
                "raw": B_FILE,
                "res_model": "helpdesk.ticket",
                "res_id": cls.ticket_b.id,
            }
        )
        cls.order_b = cls.env["sale.order"].create(
            {
                "partner_id": cls.client_b.id,
                "client_order_ref": f"{MARK} order",
                "order_line": [
                    Command.create({"product_id": cls.pack.id, "name": f"{MARK} line"})
                ],
            }
        )
        cls.recurring_b = cls.env["contract.contract"].create(
            {
                "name": f"{MARK} recurring",
                "partner_id": cls.client_b.id,
                "contract_line_ids": [
                    Command.create(
                        {
                            "product_id": cls.fee_product.id,
                            "name": f"{MARK} fee",
                            "quantity": 1,
                            "price_unit": 3000,
                        }
                    )
                ],
            }
        )
        cls.recurring_b.message_subscribe(partner_ids=cls.contact_b.ids)
        cls.amendment_b, cls.amendment_b_refused = cls.env[
            "tma.contract.amendment"
        ].create(
            [
                {
                    "contract_id": cls.contract_b.id,
                    "date_effective": cls.contract_b.date_start,
                    "description": f"{MARK} amendment",
                    "change_volume": True,
                    "monthly_volume": 42.0,
                },
                {
                    "contract_id": cls.contract_b.id,
                    "date_effective": cls.contract_b.date_start,
                    "change_price": True,
                    "fee_amount": 1234.0,
                },
            ]
        )
        (cls.amendment_b | cls.amendment_b_refused).action_submit()
        cls.env["tma.capacity.report"]._refresh()
        for record in (cls.contract_b, cls.ticket_b, cls.recurring_b, cls.contract_a):
            record._portal_ensure_token()
        cls.ticket_a._portal_ensure_token()
        cls.attachment_b.generate_access_token()
        # Preventive maintenance of B: a plan line, its occurrence and ticket,
        # a check and a finding.
        cls.plan_b = cls.env["tma.preventive.plan"].create(
            {
                "name": f"{MARK} audit",
                "contract_id": cls.contract_b.id,
                "application_id": cls.app_b.id,
                "audit_kind": "security",
                "checklist_template": f"{MARK} check",
                "team_id": cls.team_b.id,
            }
        )
        cls.env["tma.preventive.plan"]._cron_generate_occurrences()
        cls.occurrence_b = cls.plan_b.occurrence_ids
        cls.finding_b = cls.env["tma.preventive.finding"].create(
            {"ticket_id": cls.occurrence_b.ticket_id.id, "name": f"{MARK} finding"}
        )
        cls.occurrence_b._portal_ensure_token()
        cls.component_b = cls.env["tma.application.component"].create(
            {
                "name": f"{MARK} database",
                "version": "12",
                "environment_id": cls.app_b.environment_ids[:1].id,
            }
        )
        # The documentation registers of A and B.
        Document = cls.env["tma.document"]
        cls.document_a = Document.create(
            {
                "contract_id": cls.contract_a.id,
                "name": "Alpha run book",
                "file": base64.b64encode(b"alpha"),
                "file_name": "alpha.txt",
            }
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
        cls.document_a._portal_ensure_token()
        cls.document_b._portal_ensure_token()
        # Evolutions of B: two estimates awaiting approval, two deliveries
        # awaiting acceptance.
        evolutive = cls.env.ref("tma_contract.maintenance_type_evolutive")
        evolutions_b = cls.env["helpdesk.ticket"].create(
            [
                {
                    "name": f"{MARK} evolution {i}",
                    "description": f"<p>{MARK}</p>",
                    "partner_id": cls.contact_b.id,
                    "team_id": cls.team_b.id,
                    "tma_contract_id": cls.contract_b.id,
                    "tma_maintenance_type_id": evolutive.id,
                }
                for i in range(4)
            ]
        )
        estimates_b = cls.env["tma.evolution.estimate"].create(
            [
                {
                    "ticket_id": ticket.id,
                    "method": "free",
                    "justification": f"{MARK} estimate",
                    "line_ids": [Command.create({"name": f"{MARK} part", "units": 1})],
                }
                for ticket in evolutions_b
            ]
        )
        estimates_b.action_send()
        cls.estimate_b, cls.estimate_b_refused = estimates_b[:2]
        deliveries_b = cls.env["tma.evolution.delivery"]
        for estimate in estimates_b[2:]:
            estimate._approve(cls.contact_b)
            deliveries_b |= deliveries_b.create({"estimate_id": estimate.id})
        cls.delivery_b, cls.delivery_b_rejected = deliveries_b
        cls.audit_secrets = [MARK, B_FILE]
        cls.audit_guessed_tokens = [
            cls.contract_a.access_token,
            cls.ticket_a.access_token,
            cls.document_a.access_token,
        ]


@tagged("post_install", "-at_install")
class TestRouteAudit(HttpCase, TmaAuditCommon):
    # ------------------------------------------------------------------
    # The probes: one (at least) per route of the audited modules
    # ------------------------------------------------------------------
    def _read_probes(self):
        b = self.portal_b
        contract, ticket, recurring = self.contract_b, self.ticket_b, self.recurring_b
        return [
            Probe("/my/tma/contracts", "/my/tma/contracts", owner=b),
            Probe(
                "/my/tma/contracts/page/<int:page>",
                "/my/tma/contracts/page/1",
                owner=b,
            ),
            Probe(
                "/my/tma/contracts/<int:contract_id>",
                f"/my/tma/contracts/{contract.id}",
                owner=b,
                token=contract.access_token,
            ),
            Probe("/my/tickets", "/my/tickets", owner=b),
            Probe("/my/tickets/page/<int:page>", "/my/tickets/page/1", owner=b),
            Probe(
                "/my/ticket/<int:ticket_id>",
                f"/my/ticket/{ticket.id}",
                owner=b,
                token=ticket.access_token,
            ),
            Probe("/new/ticket", "/new/ticket", owner=b),
            Probe("/my/contracts", "/my/contracts", owner=b),
            Probe("/my/contracts/page/<int:page>", "/my/contracts/page/1", owner=b),
            Probe(
                "/my/contracts/<int:contract_contract_id>",
                f"/my/contracts/{recurring.id}",
                owner=b,
                token=recurring.access_token,
            ),
            Probe("/my/tma/preventive", "/my/tma/preventive", owner=b),
            Probe(
                "/my/tma/preventive/<int:occurrence_id>",
                f"/my/tma/preventive/{self.occurrence_b.id}",
                owner=b,
                token=self.occurrence_b.access_token,
            ),
            Probe(
                "/my/tma/documents/<int:document_id>",
                f"/my/tma/documents/{self.document_b.id}",
                owner=b,
                token=self.document_b.access_token,
            ),
            Probe(
                "/my/tma/deliveries/<int:delivery_id>/report",
                f"/my/tma/deliveries/{self.delivery_b.id}/report",
                owner=b,
            ),
        ]

    def _effect_probes(self):
        """The routes that change data: A and the public change nothing of B;
        B's own request does."""
        return [
            Probe(
                "/ticket/close",
                "/ticket/close",
                method="POST",
                data={"ticket_id": self.ticket_b.id, "stage_id": self.stage_solved.id},
                owner=self.portal_b,
                effect=True,
            ),
            Probe(
                "/submitted/ticket",
                "/submitted/ticket",
                method="POST",
                data={
                    "subject": "Payroll export fails",
                    "description": "Since this morning.",
                    "team": self.team_b.id,
                    "tma_contract_id": self.contract_b.id,
                    "tma_application_id": self.app_b.id,
                },
                owner=self.portal_b,
                effect=True,
            ),
            Probe(
                "/my/tma/amendments/<int:amendment_id>/approve",
                f"/my/tma/amendments/{self.amendment_b.id}/approve",
                method="POST",
                owner=self.portal_b,
                effect=True,
            ),
            Probe(
                "/my/tma/amendments/<int:amendment_id>/refuse",
                f"/my/tma/amendments/{self.amendment_b_refused.id}/refuse",
                method="POST",
                owner=self.portal_b,
                effect=True,
            ),
            Probe(
                "/my/tma/estimates/<int:estimate_id>/approve",
                f"/my/tma/estimates/{self.estimate_b.id}/approve",
                method="POST",
                data={"po_reference": "A was here"},
                owner=self.portal_b,
                effect=True,
            ),
            Probe(
                "/my/tma/estimates/<int:estimate_id>/refuse",
                f"/my/tma/estimates/{self.estimate_b_refused.id}/refuse",
                method="POST",
                owner=self.portal_b,
                effect=True,
            ),
            Probe(
                "/my/tma/deliveries/<int:delivery_id>/accept",
                f"/my/tma/deliveries/{self.delivery_b.id}/accept",
                method="POST",
                owner=self.portal_b,
                effect=True,
            ),
            Probe(
                "/my/tma/deliveries/<int:delivery_id>/reject",
                f"/my/tma/deliveries/{self.delivery_b_rejected.id}/reject",
                method="POST",
                data={"anomalies": "Anomalies"},
                owner=self.portal_b,
                effect=True,
            ),
        ]

    def test_deciding_on_an_evolution_is_refused_to_other_clients(self):
        approve, refuse, accept, reject = self._effect_probes()[4:8]
        self.assertRouteRefuses(approve)
        self.assertEqual(self.estimate_b.state, "approved")  # by B
        self.assertRouteRefuses(refuse)
        self.assertEqual(self.estimate_b_refused.state, "refused")  # by B
        self.assertRouteRefuses(accept)
        self.assertEqual(self.delivery_b.state, "accepted")  # by B
        self.assertRouteRefuses(reject)
        self.assertEqual(self.delivery_b_rejected.state, "rejected")  # by B

    def test_deciding_on_an_amendment_is_refused_to_other_clients(self):
        approve, refuse = self._effect_probes()[2:4]
        self.assertRouteRefuses(approve)
        self.assertEqual(self.amendment_b.state, "applied")  # by B
        self.assertRouteRefuses(refuse)
        self.assertEqual(self.amendment_b_refused.state, "refused")  # by B

    def test_every_route_of_the_suite_and_its_host_is_audited(self):
        routes = routes_of(self.env, AUDITED_MODULES)
        self.assertTrue(routes)
        audited = {p.rule for p in self._read_probes() + self._effect_probes()}
        # The login page shows no client's data: the suite's override only
        # sets the portal's language cookie after a successful login
        # (tested in test_portal.py), so it has no B to refuse.
        audited.add("/web/login")
        self.assertEqual(
            set(routes),
            audited,
            "a route of tma_contract or of its host has no audit probe, or a "
            "probe audits a route that is gone",
        )

    def test_the_route_map_attributes_overrides_to_every_module(self):
        routes = live_routes(self.env)
        self.assertEqual(
            routes["/ticket/close"].modules, {"helpdesk_mgmt", "tma_contract"}
        )
        self.assertEqual(routes["/my/tma/contracts"].modules, {"tma_contract"})

    def test_read_routes_refuse_other_clients_and_the_public(self):
        for probe in self._read_probes():
            self.assertRouteRefuses(probe)

    def test_closing_a_ticket_is_refused_to_other_clients_and_the_public(self):
        self.assertRouteRefuses(self._effect_probes()[0])
        self.assertTrue(self.ticket_b.closed)  # by B, the positive control

    def test_submitting_a_ticket_cannot_touch_another_client(self):
        tickets = self.env["helpdesk.ticket"].search_count([])
        self.assertRouteRefuses(self._effect_probes()[1], visitors=[self.portal_a])
        created = self.env["helpdesk.ticket"].search([], order="id desc", limit=1)
        self.assertEqual(self.env["helpdesk.ticket"].search_count([]), tickets + 1)
        self.assertEqual(created.partner_id, self.contact_b)  # B's own, only
        self.assertEqual(created.team_id, self.team_b)
        self.assertEqual(created.tma_contract_id, self.contract_b)
        self.assertEqual(created.tma_application_id, self.app_b)

    def test_state_changing_routes_are_post_only_with_csrf(self):
        routes = live_routes(self.env)
        for probe in self._effect_probes():
            info = routes[probe.rule]
            self.assertEqual(info.methods, {"POST"}, probe.rule)
            self.assertTrue(info.csrf, probe.rule)
            self.assertEqual(info.type, "http", probe.rule)
            self.assertCsrfProtected(probe)

    # ------------------------------------------------------------------
    # Core mail, portal, content routes on B's records
    # ------------------------------------------------------------------
    def _core_probes(self):
        b = self.portal_b
        probes = []
        for record, owner in ((self.ticket_b, b), (self.contract_b, None)):
            thread = {"thread_model": record._name, "thread_id": record.id}
            probes += [
                Probe(
                    "/mail/chatter_fetch",
                    "/mail/chatter_fetch",
                    method="JSON",
                    data=thread,
                    owner=owner,
                    token=record.access_token,
                    token_param="token",
                ),
            ]
        for record in (self.ticket_b, self.contract_b):
            probes.append(
                Probe(
                    "/mail/thread/messages",
                    "/mail/thread/messages",
                    method="JSON",
                    data={"thread_model": record._name, "thread_id": record.id},
                    owner=b,
                )
            )
        probes += [
            Probe(
                "/web/content/<int:id>",
                f"/web/content/{self.attachment_b.id}?download=true",
                token=self.attachment_b.access_token,
            ),
        ]
        return probes

    def test_core_routes_on_b_records_refuse_a_and_the_public(self):
        for probe in self._core_probes():
            self.assertRouteRefuses(probe)

    def test_posting_on_b_records_is_refused(self):
        for record, owner in ((self.ticket_b, self.portal_b), (self.contract_b, None)):
            probe = Probe(
                "/mail/message/post",
                "/mail/message/post",
                method="JSON",
                data={
                    "thread_model": record._name,
                    "thread_id": record.id,
                    "post_data": {"body": "A was here", "message_type": "comment"},
                },
                owner=owner,
                token=record.access_token,
                token_param="token",
                effect=True,
            )
            self.assertRouteRefuses(probe)

    def test_uploading_on_b_records_is_refused(self):
        # B uploads on its ticket (read access); on its contract, only a holder
        # of the contract's token may (posting there needs write access).
        for record, owner in ((self.ticket_b, self.portal_b), (self.contract_b, None)):
            probe = Probe(
                "/mail/attachment/upload",
                "/mail/attachment/upload",
                method="POST",
                data={"thread_model": record._name, "thread_id": record.id},
                files={"ufile": ("notes.txt", b"A was here")},
                owner=owner,
                token=record.access_token,
                token_param="token",
                effect=True,
            )
            self.assertRouteRefuses(probe)

    # ------------------------------------------------------------------
    # JSON-RPC on the models
    # ------------------------------------------------------------------
    def _rpc_targets(self):
        """{model: (B's records, write values, create values)}"""
        admin = self.env.ref("base.user_admin")
        contract = self.contract_b
        entry = contract.entry_ids[:1]
        wizards = {
            "tma.unit.adjustment": {
                "contract_id": contract.id,
                "units": 50,
                "reason": "A was here",
            },
            "tma.contract.terminate": {
                "contract_id": contract.id,
                "reason": "A was here",
                "termination_date": "2099-01-01",
            },
            "tma.entry.reverse": {
                "entry_ids": [Command.set(entry.ids)],
                "reason": "A was here",
            },
            "tma.act.on.behalf": {
                "res_model": "tma.contract.amendment",
                "res_id": self.amendment_b.id,
                "act": "approve",
                "on_behalf_reason": "A was here",
                "evidence": base64.b64encode(b"A was here").decode(),
                "evidence_name": "a.txt",
            },
            "tma.amendment.decision": {
                "amendment_id": self.amendment_b.id,
                "decision": "approve",
                "on_behalf_reason": "A was here",
                "evidence": base64.b64encode(b"A was here").decode(),
                "evidence_name": "a.txt",
            },
        }
        journal = self.env["tma.act.journal"]._tma_append(
            contract,
            {
                "code": "audit",
                "res_model": "tma.contract",
                "res_id": contract.id,
                "partner_id": contract.partner_id.id,
                "user_id": admin.id,
                "values": {"mark": "B"},
            },
        )
        targets = {
            "tma.contract": (contract, {"title": "A was here"}, None),
            "tma.act.journal": (
                journal,
                {"code": "A was here"},
                {
                    "contract_id": contract.id,
                    "sequence": 99,
                    "code": "A",
                    "res_model": "tma.contract",
                    "res_id": contract.id,
                    "partner_id": contract.partner_id.id,
                    "recorded_on": "2099-01-01 00:00:00",
                },
            ),
            "tma.unit.book": (
                self.book_b,
                {"units": 999},
                {"contract_id": contract.id, "units": 999, "name": "A"},
            ),
            "tma.unit.entry": (
                contract.entry_ids,
                {"units": 999},
                {"contract_id": contract.id, "entry_type": "credit", "units": 99},
            ),
            "tma.unit.allocation": (
                self.env["tma.unit.allocation"].search(
                    [("entry_id.contract_id", "=", contract.id)]
                ),
                {"units": 999},
                None,
            ),
            "tma.valuation.rule": (
                contract.valuation_rule_ids,
                {"units": 0.01},
                {"contract_id": contract.id, "complexity": "simple", "units": 0.01},
            ),
            "tma.application": (
                self.app_b,
                {"name": "A was here"},
                {"name": "A", "partner_id": self.client_b.id},
            ),
            "tma.application.environment": (
                self.app_b.environment_ids,
                {"name": "A was here"},
                {"name": "A", "application_id": self.app_b.id},
            ),
            "helpdesk.ticket": (
                self.ticket_b,
                {"name": "A was here"},
                {
                    "name": "A",
                    "description": "A",
                    "partner_id": self.contact_b.id,
                    "tma_contract_id": contract.id,
                },
            ),
            "sale.order": (self.order_b, {"client_order_ref": "A"}, None),
            # The OCA recurring invoicing, extended for the money of amendments.
            "contract.contract": (self.recurring_b, {"name": "A was here"}, None),
            "contract.line": (
                self.recurring_b.contract_line_ids,
                {"price_unit": 0},
                None,
            ),
            "helpdesk.ticket.team": (
                self.team_b,
                {"name": "A was here"},
                {"name": "A", "show_in_portal": True},
            ),
            "sale.order.line": (self.order_b.order_line, {"price_unit": 0}, None),
            "tma.capacity.report": (
                self.env["tma.capacity.report"].search(
                    [("contract_id", "=", contract.id)]
                ),
                {"consumed_units": 0},
                {"month": "2099-01-01", "kind": "contract", "contract_id": contract.id},
            ),
            "tma.contract.amendment": (
                self.amendment_b,
                {"description": "A was here"},
                {
                    "contract_id": contract.id,
                    "date_effective": "2099-01-01",
                    "change_volume": True,
                    "monthly_volume": 999,
                },
            ),
            "tma.preventive.plan": (
                self.plan_b,
                {"name": "A was here"},
                {
                    "name": "A",
                    "contract_id": contract.id,
                    "application_id": self.app_b.id,
                    "audit_kind": "security",
                },
            ),
            "tma.preventive.occurrence": (
                self.occurrence_b,
                {"report": "A was here"},
                None,
            ),
            "tma.preventive.check": (
                self.occurrence_b.ticket_id.tma_check_ids,
                {"done": True},
                {"ticket_id": self.occurrence_b.ticket_id.id, "name": "A"},
            ),
            "tma.application.component": (
                self.component_b,
                {"version": "A was here"},
                {"name": "A", "environment_id": self.app_b.environment_ids[:1].id},
            ),
            "tma.preventive.finding": (
                self.finding_b,
                {"name": "A was here"},
                {"ticket_id": self.occurrence_b.ticket_id.id, "name": "A"},
            ),
            "tma.document": (
                self.document_b,
                {"name": "A was here"},
                {"contract_id": contract.id, "name": "A"},
            ),
            "tma.evolution.estimate": (
                self.estimate_b,
                {"date_target": "2099-01-01"},
                {"ticket_id": self.ticket_b.id, "method": "free", "units": 9},
            ),
            "tma.evolution.estimate.line": (
                self.estimate_b.line_ids,
                {"units": 99},
                {"estimate_id": self.estimate_b.id, "name": "A", "units": 1},
            ),
            "tma.evolution.delivery": (
                self.delivery_b,
                {"notes": "A was here"},
                {"estimate_id": self.delivery_b.estimate_id.id, "units": 1},
            ),
        }
        for model, vals in wizards.items():
            record = self.env[model].with_user(admin).create(vals)
            targets[model] = (record, {"reason": "A"}, vals)
        return targets

    def test_rpc_on_b_records_is_refused(self):
        targets = self._rpc_targets()
        models = suite_models(self.env, {"tma_contract"})
        self.assertEqual(
            models - set(targets) - SHARED_MODELS,
            set(),
            "a model of tma_contract is neither probed nor declared shared",
        )
        self._audit_login(self.portal_a)
        for model, (records, write_vals, create_vals) in targets.items():
            methods = suite_public_methods(self.env, model, {"tma_contract"})
            with self.subTest(model=model):
                self.assertModelRefusesRpc(
                    model, records, write_vals, create_vals, methods
                )

    def test_rpc_on_host_records_of_b_is_refused(self):
        self._audit_login(self.portal_a)
        self.assertModelRefusesRpc(
            "contract.contract", self.recurring_b, {"name": "A was here"}
        )
        self.assertModelRefusesRpc(
            "contract.line",
            self.recurring_b.contract_line_ids,
            {"price_unit": 0},
        )
        before = self._audit_fingerprint()
        self.assertRpcRefused(
            "mail.message",
            "create",
            [
                {
                    "model": "helpdesk.ticket",
                    "res_id": self.ticket_b.id,
                    "body": "A was here",
                    "message_type": "comment",
                }
            ],
        )
        self.assertRpcRefused(
            "ir.attachment",
            "create",
            [
                {
                    "name": "a.txt",
                    "datas": base64.b64encode(b"A").decode(),
                    "res_model": "helpdesk.ticket",
                    "res_id": self.ticket_b.id,
                }
            ],
        )
        for method, args in (
            ("message_post", {"body": "A was here"}),
            ("message_subscribe", {"partner_ids": self.contact_a.ids}),
        ):
            result = self._audit_call_kw(
                "helpdesk.ticket", method, [self.ticket_b.ids], args
            )
            # Refused by an error, or (message_subscribe) by answering False.
            self.assertIn(result.get("result", False), (False,), method)
        self.assertEqual(self._audit_fingerprint(), before)

    def test_every_model_portal_users_read_is_restricted(self):
        """A model that portal users may read has a record rule that limits
        them (their client's records), unless it is listed as shared."""
        portal = self.env.ref("base.group_portal")
        closure = self._suite_dependency_closure()
        accesses = (
            self.env["ir.model.access"]
            .sudo()
            .search([("group_id", "=", portal.id), ("perm_read", "=", True)])
        )
        unrestricted = set()
        for access in accesses:
            model = access.model_id.model
            if model not in self.env:
                continue
            Model = self.env[model]
            if Model._abstract or Model._transient:
                continue
            if Model._original_module not in closure:
                continue
            rules = (
                self.env["ir.rule"]
                .sudo()
                .search([("model_id.model", "=", model), ("perm_read", "=", True)])
            )
            limiting = rules.filtered(
                lambda r: (
                    portal in r.groups
                    or (r["global"] and "company_id" not in (r.domain_force or ""))
                )
            )
            if not limiting:
                unrestricted.add(model)
        self.assertEqual(unrestricted - PORTAL_READABLE_WITHOUT_RULE, set())

    def _suite_dependency_closure(self):
        Module = self.env["ir.module.module"].sudo()
        names = {"tma_contract"}
        todo = list(names)
        while todo:
            module = Module.search([("name", "=", todo.pop())])
            for dep in module.dependencies_id.mapped("name"):
                if dep not in names:
                    names.add(dep)
                    todo.append(dep)
        return names
