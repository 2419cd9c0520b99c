# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta
from psycopg2 import IntegrityError

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import TmaCommon


class PreventiveCommon(TmaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["tma.preventive.plan"])
        cls.done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        cls.cancelled = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_cancelled")
        cls.progress = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress")
        cls.app_a = cls.env["tma.application"].create(
            {"name": "ERP A", "partner_id": cls.client_a.id}
        )
        cls.app_b = cls.env["tma.application"].create(
            {"name": "ERP B", "partner_id": cls.client_b.id}
        )
        cls.prod_a = cls.env["tma.application.environment"].create(
            {"name": "Production", "application_id": cls.app_a.id}
        )
        cls.contract = cls._create_contract()
        cls._add_book(cls.contract, 50)

    @classmethod
    def _create_plan(cls, contract=None, **vals):
        values = {
            "name": "Security audit",
            "contract_id": (contract or cls.contract).id,
            "application_id": cls.app_a.id,
            "environment_id": cls.prod_a.id,
            "audit_kind": "security",
            "interval_number": 1,
            "interval_unit": "month",
            "date_start": cls.today + relativedelta(days=10),
            "lead_days": 14,
            "checklist_template": "Patches applied\nAccounts reviewed\n\nLogs read",
            "estimated_units": 2.0,
            "team_id": cls.team.id,
        }
        values.update(vals)
        return cls.env["tma.preventive.plan"].create(values)

    def _run_cron(self):
        return self.env["tma.preventive.plan"]._cron_generate_occurrences()


@tagged("post_install", "-at_install")
class TestPreventivePlan(PreventiveCommon):
    def test_cron_creates_the_ticket_ahead_with_its_checklist(self):
        plan = self._create_plan()
        self._run_cron()
        occurrence = plan.occurrence_ids
        self.assertEqual(len(occurrence), 1)
        self.assertEqual(occurrence.due_date, plan.date_start)
        self.assertEqual(occurrence.state, "open")
        ticket = occurrence.ticket_id
        self.assertEqual(ticket.tma_contract_id, self.contract)
        self.assertEqual(ticket.tma_application_id, self.app_a)
        self.assertEqual(ticket.tma_environment_id, self.prod_a)
        self.assertEqual(
            ticket.tma_maintenance_type_id,
            self.env.ref("tma_contract.maintenance_type_preventive"),
        )
        self.assertEqual(ticket.team_id, self.team)
        self.assertTrue(ticket.number.startswith("HT"))
        self.assertEqual(
            ticket.tma_check_ids.mapped("name"),
            ["Patches applied", "Accounts reviewed", "Logs read"],
        )
        self.assertEqual(plan.next_due_date, plan.date_start + relativedelta(months=1))

    def test_cron_is_idempotent(self):
        plan = self._create_plan()
        self._run_cron()
        self._run_cron()
        self.assertEqual(len(plan.occurrence_ids), 1)
        self.assertEqual(
            self.env["helpdesk.ticket"].search_count(
                [("tma_preventive_occurrence_id.plan_id", "=", plan.id)]
            ),
            1,
        )

    def test_a_date_beyond_the_lead_time_waits(self):
        plan = self._create_plan(date_start=self.today + relativedelta(days=30))
        self._run_cron()
        self.assertFalse(plan.occurrence_ids)

    def test_a_draft_contract_gets_no_ticket(self):
        contract = self._create_contract(activate=False)
        plan = self._create_plan(contract=contract)
        self._run_cron()
        self.assertFalse(plan.occurrence_ids)

    def test_missed_dates_are_skipped_and_the_latest_is_late(self):
        start = self.today - relativedelta(months=3, days=5)
        plan = self._create_plan(date_start=start, lead_days=0)
        self._run_cron()
        occurrences = plan.occurrence_ids.sorted("due_date")
        self.assertEqual(
            occurrences.mapped("state"), ["skipped", "skipped", "skipped", "open"]
        )
        self.assertFalse(occurrences[:3].ticket_id)
        late = occurrences[-1]
        self.assertTrue(late.ticket_id)
        self.assertTrue(late.is_late)
        self.assertIn(
            late,
            self.env["tma.preventive.occurrence"].search([("is_late", "=", True)]),
        )
        self.assertEqual(self.contract.preventive_late, 1)

    def test_one_occurrence_per_plan_and_due_date_in_the_database(self):
        plan = self._create_plan()
        self._run_cron()
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self.env["tma.preventive.occurrence"].create(
                    {
                        "plan_id": plan.id,
                        "contract_id": self.contract.id,
                        "due_date": plan.date_start,
                    }
                )

    def test_weekly_and_yearly_recurrences(self):
        weekly = self._create_plan(interval_number=2, interval_unit="week")
        yearly = self._create_plan(interval_number=1, interval_unit="year")
        self._run_cron()
        self.assertEqual(
            weekly.next_due_date, weekly.date_start + relativedelta(weeks=2)
        )
        self.assertEqual(
            yearly.next_due_date, yearly.date_start + relativedelta(years=1)
        )


@tagged("post_install", "-at_install")
class TestPreventiveBadInput(PreventiveCommon):
    def test_a_recurrence_of_zero_is_refused(self):
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self._create_plan(interval_number=0)
        self.assertFalse(
            self.env["tma.preventive.plan"].search(
                [("contract_id", "=", self.contract.id)]
            )
        )

    def test_a_plan_on_another_clients_application_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "another client"):
            with self.env.cr.savepoint():
                self._create_plan(application_id=self.app_b.id, environment_id=False)
        self.assertFalse(
            self.env["tma.preventive.plan"].search(
                [("application_id", "=", self.app_b.id)]
            )
        )

    def test_an_environment_of_another_application_is_refused(self):
        other = self.env["tma.application"].create(
            {"name": "CRM A", "partner_id": self.client_a.id}
        )
        with self.assertRaisesRegex(ValidationError, "not an environment"):
            with self.env.cr.savepoint():
                self._create_plan(application_id=other.id)

    def test_a_negative_lead_time_is_refused(self):
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self._create_plan(lead_days=-1)

    def test_a_plan_outside_a_refusing_scope_is_refused(self):
        contract = self._create_contract(
            out_of_scope_policy="refuse",
            maintenance_type_ids=[
                (6, 0, self.env.ref("tma_contract.maintenance_type_corrective").ids)
            ],
        )
        with self.assertRaisesRegex(ValidationError, "outside the scope"):
            with self.env.cr.savepoint():
                self._create_plan(contract=contract)


@tagged("post_install", "-at_install")
class TestPreventiveTicket(PreventiveCommon):
    def _open_ticket(self, **vals):
        plan = self._create_plan(**vals)
        self._run_cron()
        return plan.occurrence_ids.ticket_id

    def test_closing_is_refused_while_the_checklist_is_not_done(self):
        ticket = self._open_ticket()
        ticket.tma_check_ids[0].done = True
        with self.assertRaisesRegex(UserError, "2 checks"):
            ticket.stage_id = self.done
        self.assertFalse(ticket.stage_id.closed)
        self.assertEqual(ticket.tma_preventive_occurrence_id.state, "open")
        self.assertFalse(
            self.env["tma.unit.entry"].search([("ticket_id", "=", ticket.id)])
        )

    def test_ticking_the_checks_and_closing_in_one_write_closes(self):
        # What the form does: the checks and the stage saved together.
        ticket = self._open_ticket()
        ticket.write(
            {
                "tma_check_ids": [
                    Command.update(check.id, {"done": True})
                    for check in ticket.tma_check_ids
                ],
                "stage_id": self.done.id,
            }
        )
        self.assertTrue(ticket.stage_id.closed)
        self.assertEqual(ticket.tma_preventive_occurrence_id.state, "done")
        self.assertAlmostEqual(ticket.tma_units_consumed, 2.0)

    def test_closing_with_the_checklist_done_marks_the_occurrence_done(self):
        ticket = self._open_ticket()
        ticket.action_tma_check_all()
        ticket.stage_id = self.done
        occurrence = ticket.tma_preventive_occurrence_id
        self.assertEqual(occurrence.state, "done")
        self.assertEqual(occurrence.date_done, self.today)
        self.assertTrue(occurrence.on_time)
        self.assertEqual(self.contract.preventive_done, 0)  # due in 10 days
        self.assertEqual(self.contract.preventive_on_time_rate, 0.0)

    def test_reopening_puts_the_occurrence_back_in_progress(self):
        ticket = self._open_ticket()
        ticket.action_tma_check_all()
        ticket.stage_id = self.done
        ticket.stage_id = self.progress
        self.assertEqual(ticket.tma_preventive_occurrence_id.state, "open")

    def test_cancelling_skips_the_occurrence_without_the_checklist(self):
        ticket = self._open_ticket()
        ticket.stage_id = self.cancelled
        self.assertEqual(ticket.tma_preventive_occurrence_id.state, "skipped")

    def test_units_are_consumed_from_the_book(self):
        ticket = self._open_ticket()
        self.assertEqual(self.contract.preventive_units_policy, "consumed")
        balance = self.contract.balance
        ticket.action_tma_check_all()
        ticket.stage_id = self.done
        self.assertAlmostEqual(ticket.tma_units_consumed, 2.0)
        self.assertAlmostEqual(self.contract.balance, balance - 2.0)
        self.assertLedgerConsistent(self.contract)

    def test_units_included_in_the_fee_are_not_consumed(self):
        contract = self._create_contract(mode="forfait", consume_on_close=True)
        self.assertEqual(contract.preventive_units_policy, "included")
        ticket = self._open_ticket(contract=contract)
        ticket.action_tma_check_all()
        ticket.stage_id = self.done
        self.assertEqual(ticket.tma_preventive_occurrence_id.state, "done")
        self.assertFalse(ticket.tma_entry_ids)

    def test_a_finding_becomes_an_evolutive_ticket_once(self):
        ticket = self._open_ticket()
        finding = self.env["tma.preventive.finding"].create(
            {
                "ticket_id": ticket.id,
                "name": "TLS 1.0 still accepted",
                "recommendation": "Disable TLS 1.0 and 1.1.",
                "severity": "high",
            }
        )
        action = finding.action_create_evolutive()
        evolutive = finding.evolutive_ticket_id
        self.assertEqual(action["res_id"], evolutive.id)
        self.assertEqual(
            evolutive.tma_maintenance_type_id,
            self.env.ref("tma_contract.maintenance_type_evolutive"),
        )
        self.assertEqual(evolutive.tma_contract_id, self.contract)
        self.assertEqual(evolutive.tma_application_id, self.app_a)
        self.assertIn("Disable TLS", evolutive.description)
        finding.action_create_evolutive()
        self.assertEqual(finding.evolutive_ticket_id, evolutive)
        self.assertEqual(
            self.env["helpdesk.ticket"].search_count(
                [("name", "=", "TLS 1.0 still accepted")]
            ),
            1,
        )

    def test_kpis_count_done_against_due_and_on_time(self):
        start = self.today - relativedelta(months=2, days=5)
        plan = self._create_plan(date_start=start, lead_days=40)
        self._run_cron()
        # Two and one months ago (and 5 days): skipped, a later date was
        # already due; 5 days ago: open, late; next month: open, ahead.
        occurrences = plan.occurrence_ids.sorted("due_date")
        self.assertEqual(
            occurrences.mapped("state"), ["skipped", "skipped", "open", "open"]
        )
        late = occurrences[2].ticket_id
        late.action_tma_check_all()
        late.stage_id = self.done
        self.assertFalse(occurrences[2].on_time)
        self.assertTrue(occurrences[2].is_late)
        self.assertEqual(self.contract.preventive_planned, 3)
        self.assertEqual(self.contract.preventive_done, 1)
        self.assertEqual(self.contract.preventive_on_time_rate, 0.0)
        on_time = occurrences[3].ticket_id
        on_time.action_tma_check_all()
        on_time.stage_id = self.done
        self.assertTrue(occurrences[3].on_time)
        rows = self.contract._tma_export_kpi_rows(start, self.today)
        done_rows = [row for row in rows if row[1] == "Preventive audits done"]
        self.assertEqual(sum(row[2] for row in done_rows), 1)

    def test_the_calendar_lists_done_and_upcoming_dates(self):
        plan = self._create_plan()
        self._run_cron()
        past, upcoming = self.contract._get_preventive_calendar(horizon_months=3)
        self.assertEqual(past, plan.occurrence_ids)
        self.assertEqual(
            [day for _plan, day in upcoming],
            [plan.date_start + relativedelta(months=n) for n in (1, 2)],
        )


@tagged("post_install", "-at_install")
class TestPreventiveQueries(PreventiveCommon):
    """The cron creates the due tickets of a batch in a number of queries that
    does not depend on the number of plan lines."""

    def _count_cron_queries(self, plans):
        self.env.invalidate_all()
        self.env.flush_all()
        before = self.env.cr.sql_log_count
        self._run_cron()
        self.env.flush_all()
        count = self.env.cr.sql_log_count - before
        self.assertTrue(all(len(plan.occurrence_ids) == 1 for plan in plans))
        return count

    def test_the_cron_takes_a_constant_number_of_queries(self):
        warmup = [self._create_plan(name=f"Warm-up {i}") for i in range(2)]
        self._count_cron_queries(warmup)
        few = self._count_cron_queries(
            [self._create_plan(name=f"Few {i}") for i in range(3)]
        )
        many = self._count_cron_queries(
            [self._create_plan(name=f"Many {i}") for i in range(30)]
        )
        self.assertEqual(few, many)
