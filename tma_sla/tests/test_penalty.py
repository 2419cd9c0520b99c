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
