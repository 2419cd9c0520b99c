# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import TmaCommon


@tagged("post_install", "-at_install")
class TestComponentWatch(TmaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["tma.application.component"])
        cls.app = cls.env["tma.application"].create(
            {"name": "ERP A", "partner_id": cls.client_a.id}
        )
        cls.prod = cls.env["tma.application.environment"].create(
            {"name": "Production", "application_id": cls.app.id}
        )
        cls.contract = cls._create_contract(user_id=cls.manager.id)

    def _component(self, days, **vals):
        values = {
            "name": "PostgreSQL",
            "version": "12",
            "vendor": "PostgreSQL Global Development Group",
            "environment_id": self.prod.id,
            "end_of_support_date": self.today + relativedelta(days=days),
        }
        values.update(vals)
        return self.env["tma.application.component"].create(values)

    def _cron(self):
        return self.env["tma.application.component"]._cron_alert_end_of_support()

    def test_the_end_of_support_is_announced_once(self):
        component = self._component(30)
        self.assertEqual(component.support_status, "ending")
        self.assertEqual(component.partner_id, self.client_a)
        self._cron()
        self.assertEqual(component.alert_sent_date, self.today)
        activity = component.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.manager)
        notice = component.message_ids.filtered(
            lambda m: self.client_a in m.partner_ids
        )
        self.assertEqual(len(notice), 1)
        self.assertIn("end of support", notice.body)
        self._cron()
        self.assertEqual(len(component.activity_ids), 1)
        self.assertEqual(
            len(
                component.message_ids.filtered(lambda m: self.client_a in m.partner_ids)
            ),
            1,
        )

    def test_a_distant_end_of_support_waits(self):
        component = self._component(200)
        self.assertEqual(component.support_status, "supported")
        self._cron()
        self.assertFalse(component.alert_sent_date)
        self.assertFalse(component.activity_ids)

    def test_a_past_end_of_support_is_announced_and_shown_ended(self):
        component = self._component(-10)
        self.assertEqual(component.support_status, "ended")
        self._cron()
        self.assertEqual(component.activity_ids.date_deadline, self.today)

    def test_a_new_end_of_support_date_announces_again(self):
        component = self._component(30)
        self._cron()
        component.end_of_support_date = self.today + relativedelta(days=60)
        self.assertFalse(component.alert_sent_date)
        self._cron()
        self.assertEqual(len(component.activity_ids), 2)

    def test_the_upgrade_becomes_an_evolutive_ticket_once(self):
        component = self._component(30)
        action = component.action_create_upgrade_ticket()
        ticket = component.upgrade_ticket_id
        self.assertEqual(action["res_id"], ticket.id)
        self.assertEqual(ticket.tma_contract_id, self.contract)
        self.assertEqual(ticket.tma_environment_id, self.prod)
        self.assertEqual(
            ticket.tma_maintenance_type_id,
            self.env.ref("tma_contract.maintenance_type_evolutive"),
        )
        self.assertIn("PostgreSQL 12", ticket.name)
        component.action_create_upgrade_ticket()
        self.assertEqual(component.upgrade_ticket_id, ticket)

    def test_no_upgrade_ticket_without_an_active_contract(self):
        other = self.env["tma.application"].create(
            {"name": "ERP B", "partner_id": self.client_b.id}
        )
        env_b = self.env["tma.application.environment"].create(
            {"name": "Production", "application_id": other.id}
        )
        component = self._component(30, environment_id=env_b.id)
        with self.assertRaisesRegex(UserError, "No active contract"):
            component.action_create_upgrade_ticket()
        self.assertFalse(component.upgrade_ticket_id)

    def test_a_negative_alert_delay_is_refused(self):
        with self.assertRaises(ValidationError):
            self._component(30, alert_days=-1)

    def test_the_components_are_exported_with_the_contract(self):
        self._component(30)
        self.env.flush_all()
        sheets = {
            title: rows for title, _header, rows in self.contract._tma_export_sheets()
        }
        self.env.cr.execute(sheets["Components"])
        rows = self.env.cr.fetchall()
        self.assertEqual(
            rows,
            [
                (
                    "ERP A",
                    "Production",
                    "PostgreSQL",
                    "12",
                    "PostgreSQL Global Development Group",
                    self.today + relativedelta(days=30),
                )
            ],
        )
        self.env.cr.execute(sheets["Preventive audits"])
        self.assertEqual(self.env.cr.fetchall(), [])
