# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The service review loop: satisfaction in the KPIs, improvement actions,
periodic reviews."""

from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.tma_contract.tests.common import assert_on_letterhead

from .common import TmaSlaCommon


@tagged("post_install", "-at_install")
class TestReviewLoop(TmaSlaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Action = cls.env["tma.improvement.action"]
        cls.Review = cls.env["tma.review"]
        cls.ReviewType = cls.env["tma.review.type"]

    def _closed_ticket(self, **vals):
        ticket = self._ticket(**vals)
        ticket.stage_id = self.stage_done
        return ticket

    def _rate(self, ticket, rate, feedback=None):
        return ticket._tma_portal_rate(self.contact_a, rate, feedback=feedback)

    def _month(self):
        today = self.contract._tma_today()
        return today.replace(day=1), today

    # ------------------------------------------------------------------
    # Satisfaction
    # ------------------------------------------------------------------
    def test_closing_a_ticket_sends_a_rating_request(self):
        ticket = self._closed_ticket()
        self.assertEqual(len(ticket.rating_ids), 1)
        self.assertFalse(ticket.rating_ids.consumed)
        self.assertEqual(ticket.rating_ids.partner_id, self.contact_a)

    def test_an_unassigned_ticket_closes_and_asks_for_its_rating(self):
        """Nobody took the ticket: an engineer closes it all the same, and
        the rating request comes from the contract's account manager (the
        request had no sender, and the closing was refused)."""
        ticket = self._ticket(user_id=False)
        ticket.with_user(self.engineer).stage_id = self.stage_done
        self.assertTrue(ticket.stage_id.closed)
        self.assertEqual(len(ticket.rating_ids), 1)
        self.assertEqual(ticket.rating_ids.rated_partner_id, self.manager.partner_id)
        # The request is the manager's message on the ticket (the closing
        # engineer wrote the others).
        self.assertTrue(
            ticket.message_ids.filtered(
                lambda m: m.author_id == self.manager.partner_id
            )
        )

    def test_a_tickets_stored_rating_figures_follow_its_ratings(self):
        """A new ticket's figures are computed before its INSERT (no rating
        yet); each rating given afterwards recomputes them."""
        ticket = self._closed_ticket()
        ticket.invalidate_recordset()
        self.assertEqual(ticket.positive_rate_percentage, -1)
        self.assertEqual(ticket.rating_last_value, 0)
        self._rate(ticket, 5)
        self.env.flush_all()
        ticket.invalidate_recordset()
        self.assertEqual(ticket.positive_rate_percentage, 100)
        self.assertEqual(ticket.rating_last_value, 5)
        self._rate(ticket, 1)
        self.env.flush_all()
        ticket.invalidate_recordset()
        self.assertEqual(ticket.positive_rate_percentage, 50)
        self.assertEqual(ticket.rating_last_value, 1)

    def test_satisfaction_and_response_rate_in_the_kpis(self):
        tickets = [self._closed_ticket(name=f"T{i}") for i in range(4)]
        self._rate(tickets[0], 5, "Parfait")
        self._rate(tickets[1], 5)
        self._rate(tickets[2], 3)
        # tickets[3]: asked, never answered.
        kpis = self.contract._tma_sla_kpis(*self._month())
        self.assertEqual(kpis["ratings"], 3)
        self.assertEqual(kpis["satisfaction_rate"], 66.7)
        self.assertEqual(kpis["rating_requests"], 4)
        self.assertEqual(kpis["rating_answers"], 3)
        self.assertEqual(kpis["response_rate"], 75.0)
        self.assertAlmostEqual(kpis["satisfaction"], 4.33, places=2)

    def test_no_rating_means_no_satisfaction_figure(self):
        kpis = self.contract._tma_sla_kpis(*self._month())
        self.assertIsNone(kpis["satisfaction_rate"])
        self.assertIsNone(kpis["response_rate"])

    def test_satisfaction_in_the_exported_kpi_rows(self):
        self._rate(self._closed_ticket(), 5)
        labels = {
            label
            for _m, label, _v in self.contract._tma_export_kpi_rows(*self._month())
        }
        self.assertIn("Satisfied clients (%)", labels)
        self.assertIn("Rating response rate (%)", labels)

    def test_low_rating_proposes_an_improvement_action(self):
        ticket = self._closed_ticket()
        rating = self._rate(ticket, 1, "Trop lent")
        action = self.Action.search([("rating_id", "=", rating.id)])
        self.assertEqual(len(action), 1)
        self.assertEqual(action.state, "proposed")
        self.assertEqual(action.origin, "rating")
        self.assertEqual(action.ticket_id, ticket)
        self.assertEqual(action.contract_id, self.contract)
        self.assertIn("Trop lent", action.description)

    def test_good_rating_proposes_nothing(self):
        rating = self._rate(self._closed_ticket(), 5)
        self.assertFalse(self.Action.search([("rating_id", "=", rating.id)]))

    def test_rating_refused_for_another_clients_contact(self):
        ticket = self._closed_ticket()
        with self.assertRaises(UserError):
            ticket._tma_portal_rate(self.contact_b, 5)
        self.assertFalse(ticket.rating_ids.filtered("consumed"))

    def test_rating_refused_on_an_open_ticket_or_a_bad_value(self):
        with self.assertRaises(UserError):
            self._ticket()._tma_portal_rate(self.contact_a, 5)
        ticket = self._closed_ticket()
        with self.assertRaises(UserError):
            ticket._tma_portal_rate(self.contact_a, 4)
        self.assertFalse(ticket.rating_ids.filtered("consumed"))

    # ------------------------------------------------------------------
    # Improvement actions
    # ------------------------------------------------------------------
    def _action(self, **vals):
        values = {
            "name": "Sonde sur le batch de facturation",
            "contract_id": self.contract.id,
            "date_due": self.contract._tma_today() + timedelta(days=10),
        }
        values.update(vals)
        return self.Action.create(values)

    def test_action_due_before_its_creation_is_refused(self):
        count = self.Action.search_count([])
        with self.assertRaises(ValidationError):
            self._action(date_due=self.contract._tma_today() - timedelta(days=1))
        self.assertEqual(self.Action.search_count([]), count)

    def test_action_from_a_breached_ticket_in_one_click(self):
        ticket = self._ticket()
        self._timer(ticket, "acknowledgement").status = "breached"
        result = ticket.action_tma_create_improvement_action()
        action = self.Action.browse(result["res_id"])
        self.assertEqual(action.origin, "breach")
        self.assertEqual(action.ticket_id, ticket)
        self.assertEqual(action.user_id, self.manager)
        self.assertEqual(ticket.tma_action_count, 1)

    def test_action_from_a_ticket_without_contract_is_refused(self):
        ticket = self.env["helpdesk.ticket"].create(
            {"name": "Hors contrat", "description": "x", "team_id": self.team.id}
        )
        with self.assertRaises(UserError):
            ticket.action_tma_create_improvement_action()

    def test_action_transitions(self):
        action = self._action()
        with self.assertRaises(UserError):
            action.action_done()
        action.action_open()
        action.action_done()
        self.assertEqual(action.state, "done")
        self.assertEqual(action.date_done, self.contract._tma_today())
        with self.assertRaises(UserError):
            action.action_reset()

    def test_overdue_cron_raises_one_activity_per_action(self):
        action = self._action()
        on_time = self._action(name="À l'heure")
        # Due yesterday: created in the past (the constraint holds).
        self.env.cr.execute(
            "UPDATE tma_improvement_action SET date_due = %s, create_date = %s "
            "WHERE id = %s",
            (
                self.contract._tma_today() - timedelta(days=1),
                fields.Datetime.now() - timedelta(days=20),
                action.id,
            ),
        )
        action.invalidate_recordset()
        self.assertTrue(action.is_overdue)
        self.assertIn(action, self.Action.search([("is_overdue", "=", True)]))
        self.Action._cron_overdue_actions()
        self.Action._cron_overdue_actions()
        activity_type = self.env.ref("tma_sla.mail_activity_tma_action_overdue")
        self.assertEqual(
            len(
                action.activity_ids.filtered(
                    lambda a: a.activity_type_id == activity_type
                )
            ),
            1,
        )
        self.assertFalse(on_time.activity_ids)
        action.action_open()
        action.action_done()
        self.assertFalse(action.activity_ids)

    def test_actions_in_the_kpis(self):
        self._action()
        done = self._action(name="Fait")
        done.action_open()
        done.action_done()
        kpis = self.contract._tma_sla_kpis(*self._month())
        self.assertEqual(kpis["actions"], {"open": 1, "overdue": 0, "done": 1})

    # ------------------------------------------------------------------
    # Reviews
    # ------------------------------------------------------------------
    def _review_type(self, **vals):
        values = {
            "name": "Comité opérationnel",
            "contract_id": self.contract.id,
            "kind": "operational",
            "cadence_months": 1,
            "next_date": fields.Datetime.now() + timedelta(days=3),
            "provider_user_ids": [Command.set(self.manager.ids)],
            "client_partner_ids": [Command.set(self.contact_a.ids)],
        }
        values.update(vals)
        return self.ReviewType.create(values)

    def test_review_cadence_of_zero_is_refused(self):
        with self.assertRaises(ValidationError):
            self._review_type(cadence_months=0)
        review_type = self._review_type()
        with self.assertRaises(ValidationError):
            review_type.cadence_months = -3

    def test_setup_creates_monthly_and_quarterly_reviews_once(self):
        self.contract.action_tma_setup_reviews()
        self.contract.action_tma_setup_reviews()
        cadences = {t.kind: t.cadence_months for t in self.contract.review_type_ids}
        self.assertEqual(cadences, {"operational": 1, "steering": 3})

    def test_cron_schedules_the_next_review_with_attendees_idempotently(self):
        review_type = self._review_type()
        next_date = review_type.next_date
        # (The demo's review types fall due too, on a day that depends on when
        # the database was made: only this one is looked at.)
        reviews = self._scheduled(review_type)
        self.assertEqual(len(reviews), 1)
        event = reviews.calendar_event_id
        self.assertEqual(event.start, next_date)
        self.assertEqual(event.partner_ids, self.manager.partner_id | self.contact_a)
        self.assertIn("Agenda", reviews.agenda)
        # The next date moved on by the cadence: nothing more to schedule.
        self.assertEqual(review_type.next_date, next_date + relativedelta(months=1))
        self.assertFalse(self._scheduled(review_type))
        self.assertEqual(
            self.Review.search_count([("type_id", "=", review_type.id)]), 1
        )

    def test_review_period_is_the_months_before_it(self):
        review_type = self._review_type(kind="steering", cadence_months=3)
        self.assertEqual(
            review_type._period_of(datetime(2026, 4, 10, 9)),
            (date(2026, 1, 1), date(2026, 3, 31)),
        )

    def test_agenda_shows_satisfaction_and_open_actions(self):
        self._rate(self._closed_ticket(), 5)
        self._action(name="Automatiser la purge")
        review_type = self._review_type()
        today = self.contract._tma_today()
        review = self.Review.create(
            {
                "type_id": review_type.id,
                "date": fields.Datetime.now(),
                "date_from": today.replace(day=1),
                "date_to": today,
            }
        )
        review._fill_agenda()
        self.assertIn("100.0 % satisfied", review.agenda)
        self.assertIn("Automatiser la purge", review.agenda)
        self.assertEqual(review.kpi_data["satisfaction_rate"], 100.0)

    def _scheduled(self, review_type):
        """The reviews of ``review_type`` the review cron schedules."""
        return self.Review._cron_schedule_reviews().filtered(
            lambda review: review.type_id == review_type
        )

    def _submitted_review(self):
        review_type = self._review_type()
        review = self._scheduled(review_type)
        review.action_held()
        review.minutes = "<p>Tout va bien.</p>"
        review.action_submit_minutes()
        self.assertEqual(review.state, "submitted")
        self.assertEqual(review.type_id, review_type)
        return review

    def test_minutes_need_text_before_submission(self):
        review = self._scheduled(self._review_type())
        with self.assertRaises(UserError):
            review.action_submit_minutes()
        review.action_held()
        with self.assertRaises(UserError):
            review.action_submit_minutes()

    def test_client_approves_the_minutes_once(self):
        review = self._submitted_review()
        review._portal_approve(self.contact_a)
        self.assertEqual(review.state, "approved")
        self.assertEqual(review.approved_by_id, self.contact_a)
        with self.assertRaises(UserError):
            review._portal_approve(self.contact_a)

    def test_provider_or_another_client_cannot_approve(self):
        review = self._submitted_review()
        with self.assertRaises(UserError):
            review._portal_approve(self.manager.partner_id)
        with self.assertRaises(UserError):
            review._portal_approve(self.contact_b)
        self.assertEqual(review.state, "submitted")

    def test_minutes_are_on_the_letterhead(self):
        review = self._submitted_review()
        html = assert_on_letterhead(self, "tma_sla.action_report_tma_review", review)
        self.assertIn("Tout va bien.", html)

    def test_minutes_print_as_pdf(self):
        review = self._submitted_review()
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("tma_sla.action_report_tma_review", review.ids)[0]
            .decode()
        )
        self.assertIn("Tout va bien.", html)
        self.assertIn("Minutes", html)
