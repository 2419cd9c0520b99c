# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The ramp-up weeks after a contract's service start: new commitments take
the policy's ramp-up targets (or none), and keep them."""

from datetime import date

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import MONDAY_10H, TmaSlaCommon


@tagged("post_install", "-at_install")
class TestRampUp(TmaSlaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy.ramp_up_weeks = 4
        cls.ramp_target = cls.env["tma.sla.target"].create(
            {
                "policy_id": cls.policy.id,
                "criticality": "blocking",
                "metric": "resolution",
                "duration": 16,
                "duration_unit": "hour",
                "ramp_up": True,
            }
        )

    def _started_on(self, day):
        self.contract.date_start = day
        with freeze_time(MONDAY_10H):
            return self._ticket("3")

    def test_a_ticket_of_the_ramp_up_weeks_takes_the_ramp_up_targets(self):
        ticket = self._started_on(date(2026, 11, 16))  # service start a week ago
        resolution = self._timer(ticket, "resolution")
        self.assertTrue(resolution.ramp_up)
        self.assertEqual(resolution.target_id, self.ramp_target)
        self.assertEqual(resolution.target_minutes, 960)
        # No ramp-up target for acknowledgement: the standard one applies,
        # and the timer still says it started in the ramp-up.
        acknowledgement = self._timer(ticket, "acknowledgement")
        self.assertTrue(acknowledgement.ramp_up)
        self.assertEqual(acknowledgement.target_minutes, 30)

    def test_after_the_ramp_up_the_standard_targets_apply(self):
        ticket = self._started_on(date(2026, 9, 1))
        resolution = self._timer(ticket, "resolution")
        self.assertFalse(resolution.ramp_up)
        self.assertEqual(resolution.target_minutes, 480)

    def test_a_policy_without_commitment_during_the_ramp_up_plans_no_timer(self):
        self.policy.ramp_up_mode = "none"
        ticket = self._started_on(date(2026, 11, 16))
        self.assertFalse(ticket.tma_sla_timer_ids)
        # After the ramp-up, the same policy commits as usual.
        later = self._started_on(date(2026, 9, 1))
        self.assertEqual(len(later.tma_sla_timer_ids), 4)

    def test_a_commitment_keeps_its_ramp_up_when_planned_again(self):
        ticket = self._started_on(date(2026, 11, 16))
        self.contract.date_start = date(2026, 9, 1)  # corrected afterwards
        with freeze_time("2026-11-23 10:00:00"):
            ticket._tma_sla_sync()
        resolution = self._timer(ticket, "resolution")
        self.assertTrue(resolution.ramp_up)
        self.assertEqual(resolution.target_minutes, 960)

    def test_no_ramp_up_without_weeks(self):
        self.policy.ramp_up_weeks = 0
        ticket = self._started_on(date(2026, 11, 16))
        self.assertFalse(self._timer(ticket, "resolution").ramp_up)
        self.assertEqual(self._timer(ticket, "resolution").target_minutes, 480)

    def test_a_negative_ramp_up_is_refused(self):
        with (
            self.assertRaisesRegex(ValidationError, "negative"),
            self.env.cr.savepoint(),
        ):
            self.policy.ramp_up_weeks = -1
        self.policy.invalidate_recordset()
        self.assertEqual(self.policy.ramp_up_weeks, 4)

    def _assert_target_refused(self, **vals):
        """Creating a target of the policy with ``vals`` is refused by the
        database's uniqueness of one target per kind."""
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            self.env["tma.sla.target"].create(
                {"policy_id": self.policy.id, "criticality": "blocking", **vals}
            ).flush_recordset()

    def test_a_second_ramp_up_target_of_the_same_kind_is_refused(self):
        self._assert_target_refused(
            metric="resolution", duration=20, duration_unit="hour", ramp_up=True
        )

    def test_a_second_general_target_of_the_same_kind_is_refused(self):
        self._assert_target_refused(
            metric="acknowledgement", duration=45, duration_unit="minute"
        )
