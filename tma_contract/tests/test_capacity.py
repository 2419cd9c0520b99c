# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime
from unittest.mock import patch

from freezegun import freeze_time
from psycopg2 import errors

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import TmaCommon

MARCH = date(2026, 3, 1)


@tagged("post_install", "-at_install")
class TestCapacity(TmaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.member = cls._create_user("tma_capacity_member", [])
        cls.env["hr.employee"].create(
            {
                "name": "Capacity member",
                "user_id": cls.member.id,
                "resource_calendar_id": cls.env.ref(
                    "resource.resource_calendar_std"
                ).id,
            }
        )
        cls.capacity_team = cls.env["helpdesk.ticket.team"].create(
            {"name": "Capacity team", "user_ids": [Command.set(cls.member.ids)]}
        )
        cls.contract = cls._create_contract(
            date_start=date(2026, 2, 1), monthly_volume=10.0
        )
        cls._add_book(cls.contract, 50)
        with freeze_time(datetime(2026, 3, 10, 10)):
            for _i in range(3):
                cls._create_ticket(cls.contract)._tma_record_consumption()
        amendment = cls.env["tma.contract.amendment"].create(
            {
                "contract_id": cls.contract.id,
                "date_effective": MARCH,
                "change_volume": True,
                "monthly_volume": 25.0,
            }
        )
        amendment.action_submit()
        amendment._set_workflow({"state": "approved"})
        amendment._apply()
        cls.Report = cls.env["tma.capacity.report"]
        cls.Report._refresh(today=date(2026, 3, 15))

    def _row(self, **domain):
        return self.Report.search([(k, "=", v) for k, v in domain.items()])

    def test_contract_rows_use_the_volume_in_force_each_month(self):
        february = self._row(contract_id=self.contract.id, month=date(2026, 2, 1))
        march = self._row(contract_id=self.contract.id, month=MARCH)
        self.assertEqual(february.estimated_units, 10.0)
        self.assertEqual(march.estimated_units, 25.0)
        self.assertEqual(march.consumed_units, 3.0)
        self.assertEqual(february.consumed_units, 0.0)
        # Nothing before the contract started.
        self.assertFalse(
            self._row(contract_id=self.contract.id, month=date(2026, 1, 1))
        )

    def test_team_capacity_comes_from_the_working_calendars(self):
        row = self._row(team_id=self.capacity_team.id, month=MARCH)
        # March 2026: 22 working days of 8 hours, one unit an hour.
        self.assertEqual(row.capacity_units, 176.0)

    def test_units_per_hour_setting(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "tma_contract.capacity_units_per_hour", "0.5"
        )
        self.Report._refresh(today=date(2026, 3, 15))
        row = self._row(team_id=self.capacity_team.id, month=MARCH)
        self.assertEqual(row.capacity_units, 88.0)

    def test_refresh_is_idempotent(self):
        count = self.Report.search_count([])
        self.Report._refresh(today=date(2026, 3, 15))
        self.assertEqual(self.Report.search_count([]), count)

    def test_menu_action_rebuilds_then_opens_the_pivot(self):
        self.Report.search([]).unlink()
        action = self.Report.with_user(self.engineer).action_open_report()
        self.assertEqual(action["res_model"], "tma.capacity.report")
        self.assertTrue(self.Report.search([("team_id", "=", self.capacity_team.id)]))
        with self.assertRaises(AccessError):
            self.Report.with_user(self.portal_a).action_open_report()

    def test_reserved_to_tma_users(self):
        with self.assertRaises(AccessError):
            self.Report.with_user(self.portal_a).search([])
        self.assertTrue(self.Report.with_user(self.engineer).search([]))
        with self.assertRaises(AccessError):
            self.Report.with_user(self.engineer).create(
                {"month": MARCH, "kind": "team", "capacity_units": 1e6}
            )

    def test_the_capacity_cron_meeting_a_concurrent_write_tries_again_later(self):
        """Under load a contract written by another transaction while the
        rebuild runs stops it with a concurrency error (the end-to-end fault
        test met it): nothing is written, the run does not fail, and the cron
        comes back a minute later, when the rebuild goes through."""
        cron = self.env.ref("tma_contract.ir_cron_tma_capacity_refresh")
        before = self.Report.search([])
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
        concurrent = errors.SerializationFailure("could not serialize access")
        with (
            patch.object(
                type(self.Report), "_prepare_team_rows", side_effect=concurrent
            ),
            mute_logger("odoo.addons.tma_contract.models.utils"),
        ):
            self.assertFalse(self.Report._cron_refresh())
        self.assertEqual(self.Report.search([]), before)
        self.assertTrue(before.exists())
        rearmed = (
            self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]) - triggers
        )
        self.assertEqual(len(rearmed), 1)
        self.assertGreater(rearmed.call_at, fields.Datetime.now())
        # The next run rebuilds it.
        self.assertTrue(self.Report._cron_refresh())
        self.assertTrue(self._row(contract_id=self.contract.id))
        self.assertFalse(self.Report.search([]) & before)
