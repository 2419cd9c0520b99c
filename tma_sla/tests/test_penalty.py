# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import MONDAY_10H, TmaSlaCommon


@tagged("post_install", "-at_install")
class TestPenalty(TmaSlaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contract.write(
            {
                "penalty_rule_ids": [
                    Command.create(
                        {"criticality": "blocking", "kind": "breach", "amount": 100.0}
                    ),
                    Command.create(
                        {
                            "criticality": "blocking",
                            "metric": "resolution",
                            "kind": "hour",
                            "amount": 10.0,
                        }
                    ),
                ]
            }
        )

    def _late_blocking_ticket(self):
        """A blocking ticket whose four commitments are breached; resolved
        3 h of business time after its resolution deadline."""
        with freeze_time(MONDAY_10H):
            ticket = self._ticket("3")
        # Resolution deadline: Tuesday 10:00 Paris; resolved at 14:00 Paris,
        # 3 h of business time late (lunch excluded).
        with freeze_time("2026-11-24 13:00:00"):
            ticket.stage_id = self.stage_done
            self.env["tma.sla.timer"]._cron_check()
        return ticket

    def _period(self):
        return self.env["tma.sla.penalty.period"].create(
            {
                "contract_id": self.contract.id,
                "date_from": "2026-11-01",
                "date_to": "2026-11-30",
            }
        )

    def test_penalties_per_breach_and_per_started_hour(self):
        self._late_blocking_ticket()
        period = self._period()
        period.action_compute()
        self.assertEqual(len(period.line_ids), 4)
        resolution = period.line_ids.filtered(lambda line: line.metric == "resolution")
        self.assertEqual(resolution.delay_minutes, 180)
        # 4 breaches × 100 + 3 started hours × 10.
        self.assertEqual(period.amount_uncapped, 430.0)
        self.assertEqual(period.amount_total, 430.0)

    def test_hours_waiting_on_the_client_are_no_delay(self):
        """Breached at Tuesday 10:00 Paris, waiting on the client from 12:00
        to Thursday 9:00, resolved at 10:00: 3 hours late, not 16."""
        with freeze_time(MONDAY_10H):
            ticket = self._ticket("3")
        with freeze_time("2026-11-24 10:00:00"):
            self.env["tma.sla.timer"]._cron_check()
        with freeze_time("2026-11-24 11:00:00"):
            ticket.stage_id = self.stage_awaiting
        with freeze_time("2026-11-26 08:00:00"):
            ticket.stage_id = self.stage_progress
        with freeze_time("2026-11-26 09:00:00"):
            ticket.stage_id = self.stage_done
        period = self._period()
        with freeze_time("2026-12-01 09:00:00"):
            period.action_compute()
        resolution = period.line_ids.filtered(lambda line: line.metric == "resolution")
        self.assertEqual(resolution.delay_minutes, 180)
        # 100 for the breach + 3 started hours × 10.
        self.assertEqual(resolution.amount, 130.0)

    def test_delay_of_a_breached_timer_still_waiting_stops_at_the_pause(self):
        with freeze_time(MONDAY_10H):
            ticket = self._ticket("3")
        with freeze_time("2026-11-24 11:00:00"):  # Tuesday 12:00 Paris
            ticket.stage_id = self.stage_awaiting
        period = self._period()
        with freeze_time("2026-11-27 16:00:00"):  # Friday 17:00 Paris
            period.action_compute()
        resolution = period.line_ids.filtered(lambda line: line.metric == "resolution")
        self.assertEqual(resolution.delay_minutes, 120)

    def test_cap_as_amount_and_as_share_of_the_fee(self):
        self._late_blocking_ticket()
        self.contract.write({"penalty_cap_type": "amount", "penalty_cap_amount": 250.0})
        period = self._period()
        period.action_compute()
        self.assertEqual(period.amount_total, 250.0)
        # 10 % of a monthly fee of 3,000.
        self.contract.write(
            {"penalty_cap_type": "percent", "penalty_cap_percent": 10.0}
        )
        period.action_compute()
        self.assertEqual(period.cap_amount, 300.0)
        self.assertEqual(period.amount_total, 300.0)

    def test_validation_drafts_a_credit_note(self):
        self._late_blocking_ticket()
        period = self._period()
        period.action_validate()
        self.assertEqual(period.state, "validated")
        move = period.move_id
        self.assertEqual(move.move_type, "out_refund")
        self.assertEqual(move.partner_id, self.client_a)
        self.assertEqual(move.amount_untaxed, 430.0)
        self.assertEqual(
            move.invoice_line_ids.product_id,
            self.env.ref("tma_sla.product_tma_sla_penalty"),
        )
        with self.assertRaises(UserError):
            period.action_validate()

    def test_period_without_breach_validates_without_credit_note(self):
        period = self._period()
        period.action_validate()
        self.assertEqual(period.amount_total, 0.0)
        self.assertFalse(period.move_id)

    def test_negative_penalty_cap_is_refused(self):
        for field in ("penalty_cap_amount", "penalty_cap_percent"):
            with self.subTest(field=field), self.assertRaises(ValidationError):
                self.contract.write({field: -1.0})
        self.assertEqual(self.contract.penalty_cap_amount, 0.0)

    def test_negative_penalty_amount_is_refused(self):
        with self.assertRaises(ValidationError):
            self.contract.write(
                {
                    "penalty_rule_ids": [
                        Command.create({"kind": "breach", "amount": -5.0})
                    ]
                }
            )
        self.assertEqual(len(self.contract.penalty_rule_ids), 2)

    def test_overlapping_periods_are_refused(self):
        self._period()
        with self.assertRaises(ValidationError):
            self.env["tma.sla.penalty.period"].create(
                {
                    "contract_id": self.contract.id,
                    "date_from": "2026-11-15",
                    "date_to": "2026-12-15",
                }
            )
