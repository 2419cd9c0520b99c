# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every text tma_sla generates for a client reads in the client's language,
whoever triggers it (here OdooBot, reading English): the review's name and
agenda, the improvement action born from a low rating, the intervention
report filed in the register, the penalty period and the survey's names."""

from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from odoo.addons.tma_contract.tests.reader_language import (
    ReaderLanguageMixin,
)

from .common import CONTRACT_START, TmaSlaCommon


@tagged("post_install", "-at_install")
class TestSlaReaderLanguage(ReaderLanguageMixin, TmaSlaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_readers()
        cls.corrective = cls.env.ref("tma_contract.maintenance_type_corrective")

    def _contract(self, lang):
        return self._create_contract(
            partner=self.client[lang],
            mode="forfait",
            date_start=CONTRACT_START,
            sla_policy_id=self.policy.id,
            user_id=self.manager.id,
            consume_on_close=False,
        )

    def _closed_ticket(self, contract, lang, **vals):
        ticket = self._create_ticket(
            contract,
            partner=self.contact[lang],
            tma_support_level_id=self.l1.id,
            **vals,
        )
        ticket.with_env(self.bot).stage_id = self.stage_done
        return ticket

    def test_the_review_reads_in_the_clients_language(self):
        def check(lang):
            contract = self._contract(lang)
            self.env["tma.improvement.action"].create(
                {
                    "name": "Action",
                    "contract_id": contract.id,
                    "origin": "request",
                    "date_due": fields.Date.today() + timedelta(days=20),
                }
            )
            self.env["tma.review.type"].create(
                {
                    "name": "Committee",
                    "contract_id": contract.id,
                    "next_date": fields.Datetime.now() + timedelta(days=2),
                    "provider_user_ids": [Command.set(self.manager.ids)],
                    "client_partner_ids": [Command.set(self.contact[lang].ids)],
                }
            )
            review = (
                self.bot["tma.review"]
                ._cron_schedule_reviews()
                .filtered(lambda r, c=contract: r.contract_id == c)
            )
            self.assertReads(review.name, lang, "%(type)s %(date)s")
            self.assertReads(
                review.agenda,
                lang,
                "Activity of the period (",
                "Improvement actions:",
            )

        self._for_each_reader(check)

    def test_the_action_of_a_low_rating_reads_in_the_clients_language(self):
        def check(lang):
            contract = self._contract(lang)
            ticket = self._closed_ticket(contract, lang)
            rating = ticket.with_env(self.bot)._tma_portal_rate(self.contact[lang], 1)
            action = self.env["tma.improvement.action"].search(
                [("rating_id", "=", rating.id)]
            )
            self.assertReads(action.name, lang, "Low rating")

        self._for_each_reader(check)

    def test_the_rating_request_reads_in_the_clients_language(self):
        def check(lang):
            contract = self._contract(lang)
            ticket = self._closed_ticket(contract, lang)
            email = ticket.message_ids.filtered(
                lambda m, t=ticket: (
                    t.number in (m.subject or "")
                    and ("Satisfaction" in m.subject or "satisfaction" in m.subject)
                )
            )
            self.assertEqual(len(email), 1)
            asked, other = "Merci de prendre", "Please take a moment"
            if lang == "en_US":
                asked, other = other, asked
            self.assertIn(asked, str(email.body))
            self.assertNotIn(other, str(email.body))

        self._for_each_reader(check)

    def test_the_intervention_report_reads_in_the_clients_language(self):
        def check(lang):
            contract = self._contract(lang)
            ticket = self._closed_ticket(
                contract, lang, tma_maintenance_type_id=self.corrective.id
            )
            report = ticket.tma_intervention_report_ids
            report.write(
                {
                    "diagnosis": "<p>Key</p>",
                    "actions_done": "<p>Renewed</p>",
                    "fix_kind": "patch",
                    "validated_by": "Léa",
                    "time_spent": 2.5,
                }
            )
            report.with_env(self.bot).action_send()
            self.assertReads(report.name, lang, "Intervention report %(ticket)s")
            self.assertRegisterReads(ticket, lang, "Diagnosis", "What was done")

        self._for_each_reader(check)

    def test_the_periods_names_read_in_the_clients_language(self):
        def check(lang):
            contract = self._contract(lang).with_env(self.bot)
            period = self.bot["tma.sla.penalty.period"].create(
                {
                    "contract_id": contract.id,
                    "date_from": "2026-11-01",
                    "date_to": "2026-11-30",
                }
            )
            self.assertReads(period.name, lang, "%(contract)s: %(start)s → %(end)s")
            survey = self.bot["tma.satisfaction.survey"].create(
                {
                    "contract_id": contract.id,
                    "date_from": "2026-07-01",
                    "date_to": "2026-12-31",
                }
            )
            self.assertReads(
                survey.name,
                lang,
                "Satisfaction survey %(contract)s %(start)s - %(end)s",
            )

        self._for_each_reader(check)
