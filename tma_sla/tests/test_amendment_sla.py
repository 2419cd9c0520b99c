# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import TmaSlaCommon


@tagged("post_install", "-at_install")
class TestAmendmentSla(TmaSlaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stricter = cls.policy.copy({"name": "Stricter policy"})
        cls.today = fields.Date.today()
        cls.contract.date_start = cls.today - timedelta(days=40)

    def _amendment(self, days, **vals):
        amendment = self.env["tma.contract.amendment"].create(
            {
                "contract_id": self.contract.id,
                "date_effective": self.today + timedelta(days=days),
                "change_sla": True,
                "sla_policy_id": self.stricter.id,
                **vals,
            }
        )
        amendment.action_submit()
        return amendment

    def test_an_amendment_changes_the_sla_policy_from_its_date(self):
        amendment = self._amendment(-10)
        self.assertIn("SLA", amendment.terms_summary)
        amendment.with_user(self.portal_a).sudo()._approve(self.contact_a)
        self.assertEqual(self.contract.sla_policy_id, self.stricter)
        terms = self.contract._get_terms_at
        self.assertEqual(
            terms(self.today - timedelta(days=20))["sla_policy_id"], self.policy
        )
        self.assertEqual(terms(self.today)["sla_policy_id"], self.stricter)

    def test_two_policy_changes_on_the_same_date_are_refused(self):
        self._amendment(5)
        with self.assertRaises(ValidationError):
            self._amendment(5)
        # The volume on that date is another term.
        self._amendment(5, change_sla=False, change_volume=True, monthly_volume=3)
