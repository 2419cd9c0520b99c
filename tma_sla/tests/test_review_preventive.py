# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Preventive maintenance in the service review loop: a finding becomes an
improvement action in one click, the review's agenda shows the preventive
work of its period."""

from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import TmaSlaCommon


@tagged("post_install", "-at_install")
class TestReviewPreventive(TmaSlaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = cls.contract._tma_today()
        cls.Action = cls.env["tma.improvement.action"]
        cls.Finding = cls.env["tma.preventive.finding"]
        cls.Occurrence = cls.env["tma.preventive.occurrence"]
        cls.app = cls.env["tma.application"].create(
            {"name": "ERP A", "partner_id": cls.client_a.id}
        )
        cls.prod = cls.env["tma.application.environment"].create(
            {"name": "Production", "application_id": cls.app.id}
        )
        # Due in 5 and in 12 days: the cron opens both tickets (14 days
        # ahead).
        cls.plan = cls._create_plan(cls.today + timedelta(days=5))
        cls.plan_later = cls._create_plan(cls.today + timedelta(days=12))
        cls.env["tma.preventive.plan"]._cron_generate_occurrences()
        cls.audit = cls.plan.occurrence_ids.ticket_id
        cls.audit_later = cls.plan_later.occurrence_ids.ticket_id
        cls.review_type = cls.env["tma.review.type"].create(
            {
                "name": "Comité opérationnel",
                "contract_id": cls.contract.id,
                "kind": "operational",
                "cadence_months": 1,
                "next_date": fields.Datetime.now() + timedelta(days=3),
                "provider_user_ids": [Command.set(cls.manager.ids)],
                "client_partner_ids": [Command.set(cls.contact_a.ids)],
            }
        )

    @classmethod
    def _create_plan(cls, date_start, **vals):
        values = {
            "name": "Audit de sécurité",
            "contract_id": cls.contract.id,
            "application_id": cls.app.id,
            "environment_id": cls.prod.id,
            "audit_kind": "security",
            "interval_number": 1,
            "interval_unit": "month",
            "date_start": date_start,
            "lead_days": 14,
            "checklist_template": "Correctifs appliqués\nComptes revus",
            "team_id": cls.team.id,
        }
        values.update(vals)
        return cls.env["tma.preventive.plan"].create(values)

    def _finding(self, ticket=None, **vals):
        values = {
            "ticket_id": (ticket or self.audit).id,
            "name": "TLS 1.0 encore accepté",
            "recommendation": "Désactiver TLS 1.0 et 1.1 <sur le frontal>.",
            "severity": "high",
        }
        values.update(vals)
        return self.Finding.create(values)

    # ------------------------------------------------------------------
    # A finding becomes an improvement action
    # ------------------------------------------------------------------
    def test_a_finding_becomes_an_improvement_action_in_one_click(self):
        finding = self._finding()
        result = finding.with_user(self.manager).action_create_improvement_action()
        action = self.Action.browse(result["res_id"])
        self.assertEqual(result["res_model"], "tma.improvement.action")
        self.assertEqual(finding.improvement_action_id, action)
        self.assertEqual(action.origin, "preventive")
        self.assertEqual(action.finding_id, finding)
        self.assertEqual(action.contract_id, self.contract)
        self.assertEqual(action.ticket_id, self.audit)
        self.assertEqual(action.user_id, self.manager)
        self.assertEqual(action.state, "proposed")
        # A high severity finding gives a fortnight.
        self.assertEqual(action.date_due, self.today + timedelta(days=15))
        self.assertIn("TLS 1.0 encore accepté", action.name)
        self.assertIn("&lt;sur le frontal&gt;", action.description)
        self.assertIn(action.name, self.audit.message_ids[0].body)

    def test_a_low_finding_gets_two_months(self):
        finding = self._finding(severity="low")
        finding.action_create_improvement_action()
        self.assertEqual(
            finding.improvement_action_id.date_due, self.today + timedelta(days=60)
        )

    def test_a_second_action_for_the_same_finding_is_refused(self):
        finding = self._finding()
        finding.action_create_improvement_action()
        count = self.Action.search_count([])
        with self.assertRaisesRegex(UserError, "already has its improvement action"):
            finding.action_create_improvement_action()
        self.assertEqual(self.Action.search_count([]), count)

    def test_a_second_action_by_hand_is_refused_by_the_database(self):
        finding = self._finding()
        finding.action_create_improvement_action()
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self.Action.create(
                    {
                        "name": "Doublon",
                        "contract_id": self.contract.id,
                        "finding_id": finding.id,
                        "date_due": self.today + timedelta(days=5),
                    }
                )

    def test_the_evolutive_ticket_and_the_action_go_together(self):
        finding = self._finding()
        finding.action_create_evolutive()
        finding.action_create_improvement_action()
        self.assertTrue(finding.evolutive_ticket_id)
        self.assertTrue(finding.improvement_action_id)

    def test_a_portal_user_cannot_create_the_action(self):
        finding = self._finding()
        count = self.Action.search_count([])
        with self.assertRaises(AccessError):
            finding.with_user(self.portal_a).action_create_improvement_action()
        self.assertEqual(self.Action.search_count([]), count)
        self.assertFalse(finding.improvement_action_id)

    # ------------------------------------------------------------------
    # Preventive work in the agenda
    # ------------------------------------------------------------------
    def _occurrence(self, days, state="open", done_days=None):
        return self.Occurrence.create(
            {
                "plan_id": self.plan.id,
                "contract_id": self.contract.id,
                "partner_id": self.client_a.id,
                "application_id": self.app.id,
                "audit_kind": "security",
                "due_date": self.today + timedelta(days=days),
                "state": state,
                "date_done": done_days is not None
                and self.today + timedelta(days=done_days),
                "on_time": done_days is not None and done_days <= days,
            }
        )

    def _review(self, date_from, date_to):
        return self.env["tma.review"].create(
            {
                "type_id": self.review_type.id,
                "date": fields.Datetime.now(),
                "date_from": date_from,
                "date_to": date_to,
            }
        )

    def test_agenda_counts_the_audits_of_the_period_only(self):
        # In the period (20 days ago to 10 days ahead): the cron's audit due
        # in 5 days (open, ahead), and:
        self._occurrence(-15, "done", done_days=-16)  # done on time
        self._occurrence(-12, "done", done_days=-2)  # done late
        self._occurrence(-8)  # open and late
        self._occurrence(-5, "skipped")
        # Out of it: before and after (the cron's audit due in 12 days).
        self._occurrence(-40, "done", done_days=-30)
        self._occurrence(-25)
        self._occurrence(30)
        review = self._review(
            self.today - timedelta(days=20), self.today + timedelta(days=10)
        )
        figures = review._agenda_values()["preventive"]
        self.assertEqual(
            {k: v for k, v in figures.items() if k != "findings"},
            {
                "due": 5,
                "done": 2,
                "done_late": 1,
                "late": 1,
                "skipped": 1,
                # One on time over four settled (the one ahead is not).
                "on_time_rate": 25.0,
            },
        )
        review._fill_agenda()
        self.assertIn("Preventive work", review.agenda)
        self.assertIn("5 audit(s) due", review.agenda)
        self.assertIn("25.0 % done on time", review.agenda)

    def test_agenda_lists_the_open_findings_only(self):
        open_finding = self._finding(name="Certificat expirant")
        self._finding(name="Sauvegarde non testée").action_create_evolutive()
        self._finding(name="Journal trop verbeux").action_create_improvement_action()
        # An audit due after the period: its finding waits for the next one.
        self._finding(self.audit_later, name="Disque presque plein")
        review = self._review(self.today - timedelta(days=20), self.today)
        figures = review._agenda_values()["preventive"]
        self.assertEqual(figures["findings"], self.Finding)
        review = self._review(
            self.today - timedelta(days=19), self.today + timedelta(days=10)
        )
        figures = review._agenda_values()["preventive"]
        self.assertEqual(figures["findings"], open_finding)
        review._fill_agenda()
        self.assertIn("Certificat expirant", review.agenda)
        self.assertNotIn("Sauvegarde non testée", review.agenda)
        self.assertNotIn("Disque presque plein", review.agenda)

    def test_agenda_without_preventive_work_has_no_preventive_item(self):
        review = self._review(
            self.today - timedelta(days=60), self.today - timedelta(days=30)
        )
        figures = review._agenda_values()["preventive"]
        self.assertEqual(figures["due"], 0)
        self.assertIsNone(figures["on_time_rate"])
        review._fill_agenda()
        self.assertNotIn("Preventive work", review.agenda)

    def test_agenda_figures_take_the_same_queries_for_more_audits(self):
        period = (self.today - timedelta(days=20), self.today + timedelta(days=10))
        review = self._review(*period)
        self._occurrence(-3)
        self.env.flush_all()
        self.env.invalidate_all()
        start = self.env.cr.sql_log_count
        review._get_preventive_agenda_values()
        few = self.env.cr.sql_log_count - start
        for days in range(-19, -9):
            self._occurrence(days, "done", done_days=days)
        self.env.flush_all()
        self.env.invalidate_all()
        start = self.env.cr.sql_log_count
        review._get_preventive_agenda_values()
        self.assertEqual(self.env.cr.sql_log_count - start, few)
