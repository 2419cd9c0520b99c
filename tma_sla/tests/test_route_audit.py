# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Route audit of tma_sla: service reports, timers, escalations and penalties
of client B stay B's."""

from datetime import date, datetime, timedelta

from odoo import Command
from odoo.tests import HttpCase, tagged

from odoo.addons.tma_contract.tests.route_audit import (
    Probe,
    RouteAuditCase,
    routes_of,
    suite_models,
    suite_public_methods,
)

from .common import TmaSlaCommon

MARK = "Zq9B-SLA"
# Service levels configuration shared by every client, and technical models.
SHARED_MODELS = frozenset(
    {
        "tma.sla.policy",
        "tma.sla.target",
        "tma.sla.escalation.rule",
        "resource.calendar",
        "resource.calendar.attendance",
        "resource.calendar.leaves",
        "res.company",
        "res.config.settings",
        "helpdesk.ticket.stage",
    }
)


@tagged("post_install", "-at_install")
class TestRouteAudit(RouteAuditCase, HttpCase, TmaSlaCommon):
    audit_models = {
        "tma.contract": "partner_id",
        "helpdesk.ticket": "partner_id",
        "tma.sla.timer": "partner_id",
        "tma.sla.escalation": "partner_id",
        "tma.sla.penalty.period": "partner_id",
        "tma.sla.service.report": "partner_id",
        "tma.sla.availability.target": "partner_id",
        "tma.sla.outage": "partner_id",
        "tma.improvement.action": "partner_id",
        "tma.review": "partner_id",
        "tma.review.type": "partner_id",
        "tma.intervention.report": "partner_id",
        "tma.satisfaction.survey": "partner_id",
    }

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.audit_client = cls.client_b
        Report = cls.env["tma.sla.service.report"]
        cls.report_a = Report._generate_for(cls.contract, date(2026, 11, 1))
        cls.contract_b = cls._create_contract(
            partner=cls.client_b,
            mode="forfait",
            name=f"{MARK}-CONTRACT",
            title=f"{MARK} upkeep",
            sla_policy_id=cls.policy.id,
            support_level_ids=[Command.set((cls.l1 | cls.l2 | cls.l3).ids)],
            penalty_rule_ids=[
                Command.create({"kind": "breach", "amount": 100.0}),
            ],
        )
        cls.ticket_b = cls._create_ticket(
            cls.contract_b,
            partner=cls.contact_b,
            name=f"{MARK} ticket",
            priority="3",
            tma_support_level_id=cls.l1.id,
        )
        cls.ticket_b._tma_escalate(cls.l2, f"{MARK} escalation")
        cls.report_b = Report._generate_for(cls.contract_b, date(2026, 11, 1))
        cls.period_b = cls.env["tma.sla.penalty.period"].create(
            {
                "contract_id": cls.contract_b.id,
                "date_from": "2026-11-01",
                "date_to": "2026-11-30",
            }
        )
        cls._setup_review_loop()
        for record in (cls.report_a, cls.report_b):
            record._portal_ensure_token()
        app_b = cls.env["tma.application"].create(
            {"name": f"{MARK} application", "partner_id": cls.client_b.id}
        )
        cls.environment_b = cls.env["tma.application.environment"].create(
            {"name": f"{MARK} production", "application_id": app_b.id}
        )
        cls.availability_b = cls.env["tma.sla.availability.target"].create(
            {"contract_id": cls.contract_b.id, "environment_id": cls.environment_b.id}
        )
        cls.outage_b = cls.env["tma.sla.outage"].create(
            {
                "name": f"{MARK} outage",
                "environment_id": cls.environment_b.id,
                "date_start": "2026-11-24 09:00:00",
                "date_end": "2026-11-24 10:00:00",
            }
        )
        cls.audit_secrets = [
            MARK,
            cls.report_b.pdf_attachment_id.raw,
            cls.report_b.xlsx_attachment_id.raw,
            cls.review_b.minutes_attachment_id.raw,
        ]
        cls.audit_guessed_tokens = [
            cls.report_a.access_token,
            cls.action_a.access_token,
            cls.review_a.access_token,
            cls.closed_ticket_a.access_token,
            cls.survey_a.access_token,
        ]

    @classmethod
    def _setup_review_loop(cls):
        """B's closed ticket, improvement action and submitted review (and
        A's, whose tokens A could try on B's ids)."""
        due = date.today() + timedelta(days=20)
        Action = cls.env["tma.improvement.action"]
        records = {}
        for key, contract, contact in (
            ("a", cls.contract, cls.contact_a),
            ("b", cls.contract_b, cls.contact_b),
        ):
            ticket = cls._create_ticket(
                contract, partner=contact, name=f"{MARK} closed {key}"
            )
            ticket.stage_id = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
            action = Action.create(
                {
                    "name": f"{MARK} action {key}",
                    "contract_id": contract.id,
                    "date_due": due,
                }
            )
            review_type = cls.env["tma.review.type"].create(
                {
                    "name": f"{MARK} review {key}",
                    "contract_id": contract.id,
                    "next_date": datetime.now() + timedelta(days=2),
                    "client_partner_ids": [Command.set(contact.ids)],
                }
            )
            review = (
                cls.env["tma.review"]
                ._cron_schedule_reviews()
                .filtered(lambda r, t=review_type: r.type_id == t)
            )
            review.action_held()
            review.minutes = f"<p>{MARK} minutes {key}</p>"
            review.action_submit_minutes()
            survey = cls.env["tma.satisfaction.survey"].create(
                {
                    "contract_id": contract.id,
                    "date_from": "2026-07-01",
                    "date_to": "2026-09-30",
                }
            )
            for record in (ticket, action, review, survey):
                record._portal_ensure_token()
            records[key] = (ticket, action, review, review_type, survey)
        (
            cls.closed_ticket_a,
            cls.action_a,
            cls.review_a,
            cls.review_type_a,
            cls.survey_a,
        ) = records["a"]
        (
            cls.closed_ticket_b,
            cls.action_b,
            cls.review_b,
            cls.review_type_b,
            cls.survey_b,
        ) = records["b"]

    def _probes(self):
        b, report = self.portal_b, self.report_b
        probes = [
            Probe(
                "/my/tma/sla-reports/<int:report_id>",
                f"/my/tma/sla-reports/{report.id}",
                owner=b,
                token=report.access_token,
            )
        ]
        for fmt in ("pdf", "xlsx"):
            probes.append(
                Probe(
                    "/my/tma/sla-reports/<int:report_id>/<string:fmt>",
                    f"/my/tma/sla-reports/{report.id}/{fmt}",
                    owner=b,
                    token=report.access_token,
                )
            )
        action, review = self.action_b, self.review_b
        probes += [
            Probe(
                "/my/tma/tickets/<int:ticket_id>/rate",
                f"/my/tma/tickets/{self.closed_ticket_b.id}/rate",
                method="POST",
                data={"rate": "5"},
                owner=b,
                effect=True,
            ),
            Probe(
                "/my/tma/actions/<int:action_id>",
                f"/my/tma/actions/{action.id}",
                owner=b,
                token=action.access_token,
            ),
            Probe(
                "/my/tma/actions/<int:action_id>/comment",
                f"/my/tma/actions/{action.id}/comment",
                method="POST",
                data={"body": "Un commentaire"},
                owner=b,
                effect=True,
            ),
            Probe(
                "/my/tma/reviews/<int:review_id>",
                f"/my/tma/reviews/{review.id}",
                owner=b,
                token=review.access_token,
            ),
            Probe(
                "/my/tma/reviews/<int:review_id>/pdf",
                f"/my/tma/reviews/{review.id}/pdf",
                owner=b,
                token=review.access_token,
            ),
            Probe(
                "/my/tma/surveys/<int:survey_id>",
                f"/my/tma/surveys/{self.survey_b.id}",
                owner=b,
                token=self.survey_b.access_token,
            ),
            Probe(
                "/my/tma/surveys/<int:survey_id>/answer",
                f"/my/tma/surveys/{self.survey_b.id}/answer",
                method="POST",
                data={
                    "quality": "4",
                    "responsiveness": "4",
                    "advice": "5",
                    "communication": "3",
                },
                owner=b,
                effect=True,
            ),
            Probe(
                "/my/tma/reviews/<int:review_id>/approve",
                f"/my/tma/reviews/{review.id}/approve",
                method="POST",
                owner=b,
                effect=True,
            ),
        ]
        return probes

    def test_every_route_of_tma_sla_is_audited(self):
        routes = routes_of(self.env, {"tma_sla"})
        self.assertEqual(set(routes), {p.rule for p in self._probes()})

    def test_routes_refuse_other_clients_and_the_public(self):
        for probe in self._probes():
            self.assertRouteRefuses(probe)

    def test_state_changing_routes_need_post_and_csrf(self):
        for probe in self._probes():
            if probe.method == "POST":
                self.assertCsrfProtected(probe)

    def test_core_routes_on_b_reports_refuse_a_and_the_public(self):
        admin = self.env.ref("base.user_admin")
        report = self.report_b
        probes = [
            Probe(
                "/report/<converter>/<reportname>/<docids>",
                f"/report/html/tma_sla.report_tma_sla_service_report/{report.id}",
                owner=admin,
            ),
            Probe(
                "/web/content/<int:id>",
                f"/web/content/{report.pdf_attachment_id.id}?download=true",
                owner=admin,
            ),
            Probe(
                "/my/ticket/<int:ticket_id>",
                f"/my/ticket/{self.ticket_b.id}",
                owner=self.portal_b,
            ),
        ]
        for probe in probes:
            self.assertRouteRefuses(probe)

    def test_rpc_on_b_records_is_refused(self):
        admin = self.env.ref("base.user_admin")
        wizard = (
            self.env["tma.sla.escalate"]
            .with_user(admin)
            .create(
                {
                    "ticket_id": self.ticket_b.id,
                    "direction": "up",
                    "level_id": self.l3.id,
                    "reason": "A was here",
                }
            )
        )
        contract = self.contract_b
        # B's survey answered on its behalf (the wizard this addon gives
        # scores): A neither reads nor confirms the wizard of a manager.
        on_behalf = {
            "res_model": "tma.satisfaction.survey",
            "res_id": self.survey_b.id,
            "act": "answer",
            "score_quality": "1",
            "on_behalf_reason": "A was here",
        }
        amendment = self._b_sla_amendment()
        decision = {
            "amendment_id": amendment.id,
            "decision": "approve",
            "score_quality": "1",
            "on_behalf_reason": "A was here",
        }
        targets = {
            "tma.act.on.behalf": (
                self.env["tma.act.on.behalf"].with_user(admin).create(on_behalf),
                {"score_quality": "5"},
                on_behalf,
            ),
            "tma.amendment.decision": (
                self.env["tma.amendment.decision"].with_user(admin).create(decision),
                {"score_quality": "5"},
                decision,
            ),
            "tma.contract": (contract, {"sla_policy_id": False}, None),
            "helpdesk.ticket": (self.ticket_b, {"priority": "0"}, None),
            "tma.sla.timer": (
                self.ticket_b.tma_sla_timer_ids,
                {"status": "met"},
                {"ticket_id": self.ticket_b.id, "metric": "resolution"},
            ),
            "tma.sla.escalation": (
                self.env["tma.sla.escalation"].search(
                    [("ticket_id", "=", self.ticket_b.id)]
                ),
                {"reason": "A"},
                {"ticket_id": self.ticket_b.id, "level_id": self.l3.id},
            ),
            "tma.sla.penalty.rule": (
                contract.penalty_rule_ids,
                {"amount": 1.0},
                {"contract_id": contract.id, "kind": "breach", "amount": 1.0},
            ),
            "tma.sla.penalty.period": (
                self.period_b,
                {"date_to": "2026-11-02"},
                {
                    "contract_id": contract.id,
                    "date_from": "2026-12-01",
                    "date_to": "2026-12-31",
                },
            ),
            "tma.sla.penalty.line": (
                self._b_penalty_line(),
                {"amount": 0.0},
                None,
            ),
            "tma.sla.service.report": (
                self.report_b,
                {"state": "sent"},
                {"contract_id": contract.id, "date_from": "2026-10-01"},
            ),
            "tma.sla.escalate": (wizard, {"reason": "A"}, None),
            "tma.sla.availability.target": (
                self.availability_b,
                {"target": 1.0},
                {
                    "contract_id": contract.id,
                    "environment_id": self.environment_b.id,
                    "target": 1.0,
                },
            ),
            "tma.sla.outage": (
                self.outage_b,
                {"date_end": "2026-11-24 23:00:00"},
                {
                    "name": "A",
                    "environment_id": self.environment_b.id,
                    "date_start": "2026-11-25 09:00:00",
                },
            ),
            "tma.improvement.action": (
                self.action_b,
                {"state": "done"},
                {
                    "name": "A",
                    "contract_id": contract.id,
                    "date_due": "2099-01-01",
                },
            ),
            "tma.review": (
                self.review_b,
                {"minutes": "A"},
                {
                    "type_id": self.review_type_b.id,
                    "date": "2099-01-01 09:00:00",
                    "date_from": "2098-12-01",
                    "date_to": "2098-12-31",
                },
            ),
            "tma.intervention.report": (
                self._b_intervention_report(),
                {"diagnosis": "A"},
                {"ticket_id": self.ticket_b.id},
            ),
            "tma.satisfaction.survey": (
                self.survey_b,
                {"score_quality": "1"},
                {
                    "contract_id": contract.id,
                    "date_from": "2099-01-01",
                    "date_to": "2099-03-31",
                },
            ),
            "tma.review.type": (
                self.review_type_b,
                {"cadence_months": 5},
                {
                    "name": "A",
                    "contract_id": contract.id,
                    "next_date": "2099-01-01 09:00:00",
                },
            ),
            # B's audit finding: A neither reads it nor turns it into an
            # improvement action.
            "tma.preventive.finding": (
                self.env["tma.preventive.finding"].create(
                    {"ticket_id": self.ticket_b.id, "name": MARK}
                ),
                {"name": "A"},
                {"ticket_id": self.ticket_b.id, "name": "A"},
            ),
            # B's rating request: A neither reads nor gives B's rating.
            "rating.rating": (
                self.closed_ticket_b.sudo().rating_ids,
                {"rating": 1, "feedback": "A", "consumed": True},
                None,
            ),
            "tma.contract.amendment": (
                amendment,
                {"sla_policy_id": False},
                {
                    "contract_id": contract.id,
                    "date_effective": "2099-01-01",
                    "change_sla": True,
                },
            ),
        }
        models = suite_models(self.env, {"tma_sla"})
        self.assertEqual(models - set(targets) - SHARED_MODELS, set())
        self._audit_login(self.portal_a)
        for model, (records, write_vals, create_vals) in targets.items():
            methods = suite_public_methods(self.env, model, {"tma_sla"})
            with self.subTest(model=model):
                self.assertModelRefusesRpc(
                    model, records, write_vals, create_vals, methods
                )

    def _b_intervention_report(self):
        return self.env["tma.intervention.report"].create(
            {"ticket_id": self.ticket_b.id, "diagnosis": f"<p>{MARK}</p>"}
        )

    def _b_sla_amendment(self):
        amendment = self.env["tma.contract.amendment"].create(
            {
                "contract_id": self.contract_b.id,
                "date_effective": self.contract_b.date_start,
                "change_sla": True,
                "sla_policy_id": self.contract_b.sla_policy_id.id,
            }
        )
        amendment.action_submit()
        return amendment

    def _b_penalty_line(self):
        return self.env["tma.sla.penalty.line"].create(
            {
                "period_id": self.period_b.id,
                "timer_id": self.ticket_b.tma_sla_timer_ids[:1].id,
                "amount": 100.0,
            }
        )
