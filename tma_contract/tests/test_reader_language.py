# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every text tma_contract generates for a client reads in the client's
language, whoever triggers it (here OdooBot, reading English): the preventive
and upgrade tickets, the register's intervention reports, the ledger's
reasons, the amendments' messages and receipts, the forecast alert, the host
helpdesk's "ticket closed" email."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import tagged

from .common import TmaCommon
from .reader_language import ReaderLanguageMixin


@tagged("post_install", "-at_install")
class TestReaderLanguage(ReaderLanguageMixin, TmaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_readers()
        cls.portal = {"fr_FR": cls.portal_a, "en_US": cls.portal_b}
        cls.today = fields.Date.today()

    def _contract(self, lang, **vals):
        vals.setdefault("consume_on_close", False)
        contract = self._create_contract(
            partner=self.client[lang], user_id=self.manager.id, **vals
        )
        return contract.with_env(self.bot)

    def _application(self, lang):
        application = self.env["tma.application"].create(
            {"name": "ERP", "partner_id": self.client[lang].id}
        )
        environment = self.env["tma.application.environment"].create(
            {"name": "Production", "application_id": application.id}
        )
        return application, environment

    def _bodies(self, messages):
        self.assertTrue(messages)
        return " ".join(str(body) for body in messages.mapped("body"))

    def test_the_preventive_ticket_reads_in_the_clients_language(self):
        def check(lang):
            contract = self._contract(lang)
            application, _environment = self._application(lang)
            plan = self.env["tma.preventive.plan"].create(
                {
                    "name": "Plan",
                    "contract_id": contract.id,
                    "application_id": application.id,
                    "audit_kind": "security",
                    "date_start": self.today + relativedelta(days=5),
                }
            )
            self.bot["tma.preventive.plan"]._cron_generate_occurrences()
            ticket = plan.occurrence_ids.ticket_id
            self.assertReads(
                ticket.name,
                lang,
                "%(kind)s audit of %(application)s, due %(date)s",
                "Security",
            )
            self.assertReads(
                ticket.description,
                lang,
                "Preventive maintenance planned by the contract: %(plan)s.",
            )

        self._for_each_reader(check)

    def test_the_upgrade_ticket_reads_in_the_clients_language(self):
        def check(lang):
            self._contract(lang)
            _application, environment = self._application(lang)
            component = self.env["tma.application.component"].create(
                {
                    "name": "PostgreSQL",
                    "version": "12",
                    "vendor": "PGDG",
                    "environment_id": environment.id,
                    "end_of_support_date": self.today + relativedelta(days=30),
                }
            )
            component.with_env(self.bot).action_create_upgrade_ticket()
            ticket = component.upgrade_ticket_id
            self.assertReads(
                ticket.name,
                lang,
                "Upgrade %(software)s %(version)s (end of support %(date)s)",
            )
            self.assertReads(
                ticket.description,
                lang,
                "%(software)s %(version)s by %(vendor)s on %(environment)s "
                "reaches its end of support: plan its upgrade.",
            )

        self._for_each_reader(check)

    def test_the_closed_tickets_report_and_email_read_in_the_clients_language(self):
        done = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        corrective = self.env.ref("tma_contract.maintenance_type_corrective")

        def check(lang):
            contract = self._contract(lang)
            ticket = self._create_ticket(
                contract,
                partner=self.contact[lang],
                tma_maintenance_type_id=corrective.id,
            )
            ticket.with_env(self.bot).stage_id = done
            self.assertRegisterReads(ticket, lang)
            # The host helpdesk's email: its subject and its body.
            email = ticket.message_ids.filtered(
                lambda m, t=ticket: (
                    t.number in (m.subject or "")
                    and ("closed" in m.subject or "fermé" in m.subject)
                )
            )
            self.assertEqual(len(email), 1)
            closed, other = ("a été fermé", "has been closed")
            if lang == "en_US":
                closed, other = other, closed
            for text in (email.subject, str(email.body)):
                self.assertIn(closed, text)
                self.assertNotIn(other, text)

        self._for_each_reader(check)

    def test_the_ledgers_expiry_reads_in_the_clients_language(self):
        def check(lang):
            contract = self._contract(lang)
            book = self._add_book(
                contract,
                6,
                self.today - timedelta(days=1),
                name="Book carried over from 2025",
            )
            self.bot["tma.unit.book"]._cron_expire_books()
            expiry = contract.entry_ids.filtered(lambda e: e.entry_type == "expiry")
            self.assertReads(expiry.reason, lang, "Expiry of “%(name)s”.")
            self.assertNotIn("Book Book", expiry.reason)
            self.assertReads(
                book.message_ids[:1].body, lang, "%(units)s units expired."
            )

        self._for_each_reader(check)

    def test_the_amendments_messages_read_in_the_clients_language(self):
        def check(lang):
            contract = self._contract(lang)
            amendment = self.env["tma.contract.amendment"].create(
                {
                    "contract_id": contract.id,
                    "date_effective": self.today + timedelta(days=10),
                    "description": "Volume",
                    "change_volume": True,
                    "monthly_volume": 20.0,
                }
            )
            before = contract.message_ids
            amendment.with_env(self.bot).action_submit()
            self.assertReads(
                self._bodies(contract.message_ids - before),
                lang,
                "Amendment %(name)s (%(terms)s, from %(date)s) awaits your approval.",
                "Change the volume",
            )
            before = contract.message_ids
            # The client's act, through its portal user, in a session
            # reading English.
            portal = self.portal[lang]
            amendment.with_user(portal).sudo().with_context(lang="en_US")._approve(
                portal.partner_id
            )
            self.assertReads(
                self._bodies(contract.message_ids - before),
                lang,
                "Amendment %(name)s approved by %(partner)s.",
                "Journal of acts: entry No. %(number)s, hash %(hash)s.",
            )

        self._for_each_reader(check)

    def test_the_forecast_alert_reads_in_the_clients_language(self):
        def check(lang):
            contract = self._contract(lang, monthly_volume=30.0)
            self._add_book(contract, 10)
            self.bot["tma.contract"]._cron_forecast_alerts()
            notice = contract.message_ids.filtered(
                lambda m: m.message_type == "comment"
            )[:1]
            self.assertReads(
                notice.body,
                lang,
                "At the current pace (%(rate).1f units a month), the unit "
                "books of contract %(contract)s will run out on %(date)s. "
                "Expected overage by %(end)s: %(overage).1f units.",
            )

        self._for_each_reader(check)

    def test_a_text_of_the_other_language_is_reported(self):
        """The check is not vacuous: English for a French reader, French for
        an English one, an ISO date or seconds fail it."""
        source = "Expiry of “%(name)s”."
        for text, lang in (
            ("Expiry of “B”.", "fr_FR"),
            ("Expiration de « B ».", "en_US"),
            ("Expiration de « 2026-12-02 ».", "fr_FR"),
            ("Expiration de « 02/12/2026 10:20:30 ».", "fr_FR"),
        ):
            with self.subTest(text=text), self.assertRaises(AssertionError):
                self.assertReads(text, lang, source)
        self.assertReads("Expiration de « 02/12/2026 10:20 ».", "fr_FR", source)
