# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The cap of capped time and materials: hours compared with hours, unused
volume carried over."""

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import TmaCommon


@tagged("post_install", "-at_install")
class TestRegieCap(TmaCommon):
    def _regie(self, **vals):
        return self._create_contract(
            mode="regie",
            date_start=fields.Date.today() - relativedelta(months=6),
            **vals,
        )

    def _backdate(self, entry, months):
        """Move ``entry`` ``months`` months back (what a past month left)."""
        day = fields.Datetime.now() - relativedelta(months=months)
        self.env.cr.execute(
            "UPDATE tma_unit_entry SET date = %s WHERE id = %s", (day, entry.id)
        )
        self.env.invalidate_all()

    def test_a_volume_in_hours_is_compared_in_hours(self):
        # 10 hours a month at 2 units an hour: 20 units.
        contract = self._regie(
            monthly_volume=10.0, volume_uom="hours", units_per_hour=2
        )
        contract._post_consumption(18.0)
        contract._post_consumption(2.0)
        with self.assertRaisesRegex(UserError, "cap of 20.0 units"):
            contract._post_consumption(0.5)
        self.assertEqual(contract.balance, -20.0)

    def test_a_volume_in_units_is_the_cap(self):
        contract = self._regie(monthly_volume=10.0)
        contract._post_consumption(10.0)
        with self.assertRaisesRegex(UserError, "cap of 10.0 units"):
            contract._post_consumption(1.0)

    def test_without_carry_over_last_months_rest_is_lost(self):
        contract = self._regie(monthly_volume=10.0)
        self._backdate(contract._post_consumption(4.0), 1)
        contract._post_consumption(10.0)
        with self.assertRaisesRegex(UserError, "cap"):
            contract._post_consumption(1.0)

    def test_unused_volume_is_carried_over(self):
        contract = self._regie(monthly_volume=10.0, volume_carryover_months=2)
        self._backdate(contract._post_consumption(4.0), 1)  # 6 unused
        self._backdate(contract._post_consumption(9.0), 2)  # 1 unused
        self._backdate(contract._post_consumption(1.0), 3)  # out of the window
        # 3 months of 10 units, 13 used in the two months before.
        cap, already = contract._get_regie_cap(fields.Date.today())
        self.assertEqual((cap, already), (30.0, 13.0))
        contract._post_consumption(17.0)
        with self.assertRaisesRegex(UserError, "cap of 30.0 units"):
            contract._post_consumption(0.5)

    def test_carry_over_starts_with_the_contract(self):
        contract = self._create_contract(
            mode="regie", monthly_volume=10.0, volume_carryover_months=3
        )
        cap, already = contract._get_regie_cap(fields.Date.today())
        self.assertEqual((cap, already), (10.0, 0.0))

    def test_out_of_scope_billed_units_are_not_in_the_cap(self):
        contract = self._regie(monthly_volume=2.0, out_of_scope_policy="bill")
        corrective = self.env.ref("tma_contract.maintenance_type_corrective")
        contract._tma_write_terms(
            {"maintenance_type_ids": [Command.set(corrective.ids)]}
        )
        question = self._create_ticket(
            contract,
            tma_maintenance_type_id=self.env.ref(
                "tma_contract.maintenance_type_assistance"
            ).id,
        )
        entry = question._tma_record_consumption(5.0)
        self.assertEqual(entry.scope, "billed")
        contract._post_consumption(2.0)  # the whole volume is still there

    def test_negative_carry_over_is_refused(self):
        contract = self._regie(monthly_volume=10.0)
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            contract.volume_carryover_months = -1
