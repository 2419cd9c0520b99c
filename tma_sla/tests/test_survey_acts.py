# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The client's answer to a satisfaction survey is its act: only its users
give it (or a TMA manager on its behalf, with a reason and a piece of
evidence); it is journaled, and nobody, administrator included, reopens or
edits it afterwards, neither over the ORM nor over JSON-RPC."""

import base64
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from odoo.addons.tma_contract.tests.common import call_kw

from .common import TmaSlaCommon
from .test_satisfaction_survey import ANSWERS

REFUSED = "Only a user of Client A may"
IMMUTABLE = "cannot be modified"
ACT_FIELDS = [
    "state",
    "score_quality",
    "score_responsiveness",
    "score_advice",
    "score_communication",
    "comment",
    "answered_by_id",
    "answered_on",
    "tma_act_journal_id",
]


@tagged("post_install", "-at_install")
class TestSurveyActs(HttpCase, TmaSlaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        cls.contract.date_start = date(2026, 1, 1)
        with freeze_time("2026-10-02"):
            cls.survey = (
                cls.env["tma.satisfaction.survey"]
                ._cron_open_surveys()
                .filtered(lambda s: s.contract_id == cls.contract)
            )

    def _evidence(self):
        return (
            self.env["ir.attachment"]
            .with_user(self.manager)
            .create(
                {
                    "name": "questionnaire-papier.pdf",
                    "datas": base64.b64encode(b"%PDF questionnaire"),
                    "res_model": "tma.contract",
                    "res_id": self.contract.id,
                }
            )
        )

    def _journal(self):
        return self.env["tma.act.journal"].search(
            [("contract_id", "=", self.contract.id)], order="sequence"
        )

    def _answer_as(self, user, partner=None, **kw):
        survey = self.survey.with_user(user).sudo()
        return survey._portal_answer(partner or self.contact_a, dict(ANSWERS), **kw)

    def _snapshot(self):
        self.survey.invalidate_recordset()
        return self.survey.read(ACT_FIELDS)

    @freeze_time("2026-10-05 09:00:00")
    def test_the_client_answers_and_the_act_is_journaled(self):
        self._answer_as(self.portal_a)
        self.assertEqual(self.survey.state, "answered")
        self.assertEqual(self.survey.answered_by_id, self.contact_a)
        self.assertEqual(str(self.survey.answered_on), "2026-10-05 09:00:00")
        self.assertEqual(self.survey.tma_act_user_id, self.portal_a)
        entry = self._journal()
        self.assertEqual(
            (entry.code, entry.res_model, entry.res_id),
            ("survey_answer", "tma.satisfaction.survey", self.survey.id),
        )
        self.assertIn('"score_quality":"4"', entry.values_json)
        self.assertIn('"state":"answered"', entry.values_json)
        self.assertIsNone(self.contract._tma_verify_journal())

    def test_answering_is_refused_to_anyone_but_the_client(self):
        before = self._snapshot()
        for user in (self.engineer, self.manager, self.admin, self.portal_b):
            with self.subTest(user=user.login):
                with self.assertRaisesRegex(UserError, REFUSED):
                    self._answer_as(user)
        with self.assertRaisesRegex(UserError, "needs a reason and an attached"):
            self._answer_as(self.manager, on_behalf_reason="Au téléphone")
        with self.assertRaisesRegex(UserError, REFUSED):
            self._answer_as(
                self.engineer, on_behalf_reason="x", evidence=self._evidence()
            )
        self.assertEqual(self._snapshot(), before)
        self.assertEqual(self.survey.state, "open")
        self.assertFalse(self._journal())

    def test_a_manager_records_the_answer_on_the_clients_behalf(self):
        evidence = self._evidence()
        self._answer_as(
            self.manager,
            on_behalf_reason="Questionnaire rempli sur papier",
            evidence=evidence,
        )
        self.assertEqual(self.survey.state, "answered")
        self.assertEqual(self.survey.answered_by_id, self.contact_a)
        self.assertEqual(self.survey.tma_act_evidence_id, evidence)
        self.assertEqual(
            self.survey.tma_act_recorded_as,
            f"Recorded by {self.manager.name} on behalf of "
            f"{self.contact_a.display_name}",
        )
        entry = self._journal()
        self.assertEqual(entry.user_id, self.manager)
        self.assertEqual(entry.on_behalf_reason, "Questionnaire rempli sur papier")

    def test_staff_cannot_answer_nor_close_by_writing_the_fields(self):
        for user in (self.engineer, self.manager, self.admin):
            for vals in ({"score_quality": "5"}, {"state": "answered"}):
                with self.subTest(user=user.login, vals=vals):
                    with self.assertRaisesRegex(UserError, IMMUTABLE):
                        self.survey.with_user(user).sudo().write(vals)
        self.assertEqual(self.survey.state, "open")

    def test_nobody_reopens_or_edits_an_answer_over_the_orm(self):
        self._answer_as(self.portal_a)
        before = self._snapshot()
        attempts = [
            {"state": "open"},
            {"score_quality": "1"},
            {"comment": "Mauvais"},
            {"answered_by_id": self.contact_b.id},
            {"answered_on": False},
            {"tma_act_reason": "forged"},
        ]
        for user in (self.engineer, self.manager, self.admin, self.portal_a):
            for vals in attempts:
                with self.subTest(user=user.login, vals=vals):
                    with self.assertRaisesRegex(UserError, IMMUTABLE):
                        self.survey.with_user(user).sudo().write(vals)
        with self.assertRaisesRegex(UserError, IMMUTABLE):
            self.survey.sudo().unlink()
        with self.assertRaisesRegex(UserError, "already answered"):
            self._answer_as(self.portal_a)
        self.assertEqual(self._snapshot(), before)
        self.assertEqual(len(self._journal()), 1)

    def test_nobody_reopens_or_edits_an_answer_over_json_rpc(self):
        self._answer_as(self.portal_a)
        before = self._snapshot()
        model = "tma.satisfaction.survey"
        for user in (self.admin, self.manager, self.engineer):
            self.authenticate(user.login, user.login)
            for vals in ({"state": "open"}, {"score_quality": "1"}):
                with self.subTest(user=user.login, vals=vals):
                    answer = call_kw(self, model, "write", [[self.survey.id], vals])
                    self.assertIn("error", answer)
        self.env.invalidate_all()
        self.assertEqual(self._snapshot(), before)

    # ------------------------------------------------------------------
    # On the client's behalf, from the backend; the confirmation
    # ------------------------------------------------------------------
    def _wizard_answer(self, user, evidence=True):
        survey = self.survey.with_user(user).with_context(tma_act="answer")
        action = survey.action_tma_act_on_behalf()
        values = {
            "on_behalf_reason": "Questionnaire rempli sur papier",
            "comment": ANSWERS["comment"],
            **{f"score_{key}": ANSWERS[key] for key in ANSWERS if key != "comment"},
        }
        if evidence:
            values.update(
                evidence=base64.b64encode(b"%PDF questionnaire"),
                evidence_name="questionnaire.pdf",
            )
        Wizard = self.env[action["res_model"]].with_user(user)
        return Wizard.with_context(**action["context"]).create(values).action_confirm()

    def test_the_backend_wizard_records_the_answers_on_behalf(self):
        self._wizard_answer(self.manager)
        self.assertEqual(self.survey.state, "answered")
        self.assertEqual(self.survey.score_communication, "3")
        self.assertEqual(self.survey.comment, "Bonne réactivité")
        self.assertEqual(self.survey.tma_act_evidence_id.name, "questionnaire.pdf")
        self.assertEqual(
            self.survey.tma_act_evidence_id.res_model, "tma.satisfaction.survey"
        )
        entry = self._journal()
        self.assertEqual(entry.on_behalf_reason, "Questionnaire rempli sur papier")
        self.assertEqual(entry.user_id, self.manager)
        self.assertIn("Recorded by", self.survey.tma_act_recorded_as)

    def test_the_backend_wizard_is_refused_without_evidence_and_to_others(self):
        sysadmin = self._create_user(
            "sysadmin_survey", ["base.group_system", "tma_contract.group_tma_user"]
        )
        with self.assertRaisesRegex(UserError, "needs a reason and an attached"):
            self._wizard_answer(self.manager, evidence=False)
        for user in (self.engineer, sysadmin):
            with self.subTest(user=user.login):
                with self.assertRaisesRegex(AccessError, "Only a TMA manager"):
                    self._wizard_answer(user)
        self.assertEqual(self.survey.state, "open")
        self.assertFalse(self._journal())

    def test_answers_recorded_on_behalf_say_so_on_the_portal(self):
        self._wizard_answer(self.manager)
        self.authenticate(self.portal_a.login, self.portal_a.login)
        page = self.url_open(f"/my/tma/surveys/{self.survey.id}").text
        self.assertIn("o_tma_act_on_behalf", page)
        self.assertIn(f"Recorded by {self.manager.name} on behalf of", page)

    def test_the_portal_answer_is_confirmed_with_its_journal_entry(self):
        from odoo import http

        self.authenticate(self.portal_a.login, self.portal_a.login)
        response = self.url_open(
            f"/my/tma/surveys/{self.survey.id}/answer",
            data=dict(ANSWERS, csrf_token=http.Request.csrf_token(self)),
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        entry = self._journal()
        receipt = f"entry No. {entry.sequence}, hash {entry.inalterable_hash}"
        page = self.url_open(f"/my/tma/surveys/{self.survey.id}").text
        self.assertIn("Thank you for your answers.", page)
        self.assertIn(receipt, page)
        self.assertNotIn("o_tma_act_on_behalf", page)
        # The email to the client carries it too.
        message = self.survey.message_ids.filtered(lambda m: receipt in m.body)
        self.assertEqual(message.partner_ids, self.contact_a)
        self.assertEqual(message.message_type, "comment")
