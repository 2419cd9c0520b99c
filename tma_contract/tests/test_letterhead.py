# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The provider's letterhead: every PDF of the suite is printed on Odoo's
external layout (each report's own test renders it on a company's letterhead:
``assert_on_letterhead``), and every email to the client is wrapped in the
notification layout that shows the company's logo."""

from lxml import etree

from odoo.tests import tagged

from ..tools import migration
from .common import LETTERHEAD, LETTERHEAD_LOGO, TmaCommon

SUITE = ("tma_contract", "tma_sla", "tma_reversibility", "tma_helpdesk_mgmt_sla")


@tagged("post_install", "-at_install")
class TestLetterhead(TmaCommon):
    def _suite_records(self, model):
        data = self.env["ir.model.data"].search(
            [("model", "=", model), ("module", "in", SUITE)]
        )
        return self.env[model].browse(data.mapped("res_id"))

    def _calls(self, key, seen):
        """The templates that the template ``key`` calls, through the suite's
        own templates."""
        seen.add(key)
        view = self.env["ir.ui.view"].search([("key", "=", key)], limit=1)
        self.assertTrue(view, key)
        calls = set()
        for node in etree.fromstring(view.arch).iter():
            called = node.get("t-call")
            if not called or called in seen:
                continue
            calls.add(called)
            if called.split(".")[0] in SUITE:
                calls |= self._calls(called, seen)
        return calls

    def test_every_suite_report_prints_on_the_external_layout(self):
        reports = self._suite_records("ir.actions.report")
        self.assertIn(self.env.ref("tma_contract.action_report_tma_audit"), reports)
        for report in reports:
            with self.subTest(report=report.report_name):
                self.assertEqual(report.report_type, "qweb-pdf")
                self.assertIn(
                    "web.external_layout", self._calls(report.report_name, set())
                )
        # A page of the suite without the letterhead is told apart (the
        # portal's contract list calls the portal's layout instead).
        calls = self._calls("tma_contract.portal_my_tma_contracts", set())
        self.assertIn("portal.portal_layout", calls)
        self.assertNotIn("web.external_layout", calls)

    def test_every_client_email_shows_the_company_logo(self):
        templates = self._suite_records("mail.template")
        self.assertTrue(templates)
        for template in templates:
            with self.subTest(template=template.name):
                self.assertEqual(template.email_layout_xmlid, migration.MAIL_LAYOUT)
        # The layout shows the logo and the company's name and contacts.
        arch = self.env.ref(migration.MAIL_LAYOUT).arch
        self.assertIn("/logo.png?company=", arch)
        self.assertIn("company.website", arch)

    def test_an_email_to_the_client_carries_the_letterhead(self):
        self.company.write(
            dict(LETTERHEAD, logo=LETTERHEAD_LOGO, website="https://letterhead.example")
        )
        contract = self._create_contract()
        # Queued, not sent: a sent mail is deleted at once where a mail
        # server answers (under Odoo's own test runner, for instance).
        contract.with_context(mail_notify_force_send=False)._notify_low_balance()
        message = contract.message_ids.filtered(
            lambda m: self.client_a in m.partner_ids
        )
        mail = self.env["mail.mail"].search([("mail_message_id", "=", message.id)])
        self.assertEqual(len(mail), 1)
        self.assertIn(f"/logo.png?company={self.company.id}", mail.body_html)
        self.assertIn(LETTERHEAD["name"], mail.body_html)
        self.assertIn("https://letterhead.example", mail.body_html)
        self.assertIn("units of work left", mail.body_html)

    def test_the_upgrade_gives_the_emails_their_layout(self):
        """The templates are noupdate data: the 18.0.1.3.0 migration sets their
        layout, and leaves a layout chosen on the database alone."""
        low_balance = self.env.ref("tma_contract.mail_template_low_balance")
        low_balance.email_layout_xmlid = False
        low_balance.flush_recordset()
        self.assertEqual(migration.set_mail_layout(self.env.cr, "tma_contract"), 1)
        low_balance.invalidate_recordset()
        self.assertEqual(low_balance.email_layout_xmlid, migration.MAIL_LAYOUT)
        low_balance.email_layout_xmlid = "mail.mail_notification_layout"
        low_balance.flush_recordset()
        self.assertEqual(migration.set_mail_layout(self.env.cr, "tma_contract"), 0)
        low_balance.invalidate_recordset()
        self.assertEqual(
            low_balance.email_layout_xmlid, "mail.mail_notification_layout"
        )
