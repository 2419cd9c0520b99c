# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The quarterly satisfaction survey: opened once per contract and quarter,
answered by the client in its portal, refused to anyone else."""

from datetime import date

from freezegun import freeze_time

from odoo import http
from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from .common import TmaSlaCommon

ANSWERS = {
    "quality": "4",
    "responsiveness": "5",
    "advice": "4",
    "communication": "3",
    "comment": "Bonne réactivité",
}


@tagged("post_install", "-at_install")
class TestSatisfactionSurvey(HttpCase, TmaSlaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Survey = cls.env["tma.satisfaction.survey"]
        cls.contract.date_start = date(2026, 1, 1)
        cls.contract_b = cls._create_contract(
            partner=cls.client_b, mode="forfait", date_start=date(2026, 1, 1)
        )

    def _open(self):
        with freeze_time("2026-10-02"):
            return self.Survey._cron_open_surveys().filtered(
                lambda s: s.contract_id in (self.contract | self.contract_b)
            )

    def test_cron_opens_one_survey_per_contract_and_quarter(self):
        surveys = self._open()
        self.assertEqual(len(surveys), 2)
        survey = surveys.filtered(lambda s: s.contract_id == self.contract)
        self.assertEqual(
            (survey.date_from, survey.date_to), (date(2026, 7, 1), date(2026, 9, 30))
        )
        self.assertTrue(
            survey.message_ids.filtered(lambda m: self.client_a in m.partner_ids)
        )
        self.assertFalse(self._open())

    def test_client_answers_and_scores_are_averaged(self):
        survey = self._open().filtered(lambda s: s.contract_id == self.contract)
        survey._portal_answer(self.contact_a, ANSWERS)
        self.assertEqual(survey.state, "answered")
        self.assertEqual(survey.score_average, 4.0)
        self.assertEqual(survey.answered_by_id, self.contact_a)
        with self.assertRaises(UserError):
            survey._portal_answer(self.contact_a, ANSWERS)

    def test_low_scores_propose_an_improvement_action(self):
        survey = self._open().filtered(lambda s: s.contract_id == self.contract)
        survey._portal_answer(
            self.contact_a,
            dict(ANSWERS, quality="1", responsiveness="2", advice="2"),
        )
        action = self.env["tma.improvement.action"].search(
            [("contract_id", "=", self.contract.id), ("origin", "=", "survey")]
        )
        self.assertEqual(len(action), 1)
        self.assertEqual(action.state, "proposed")

    def test_a_missing_or_invalid_score_is_refused(self):
        survey = self._open().filtered(lambda s: s.contract_id == self.contract)
        for bad in ({**ANSWERS, "advice": ""}, {**ANSWERS, "quality": "9"}):
            with self.assertRaises(UserError):
                survey._portal_answer(self.contact_a, bad)
        self.assertEqual(survey.state, "open")

    def test_a_user_of_another_client_cannot_answer(self):
        survey = self._open().filtered(lambda s: s.contract_id == self.contract)
        with self.assertRaises(UserError):
            survey._portal_answer(self.contact_b, ANSWERS)
        self.assertEqual(survey.state, "open")
        # Through the portal: refused before the model is even reached.
        self.authenticate(self.portal_b.login, self.portal_b.login)
        response = self.url_open(
            f"/my/tma/surveys/{survey.id}/answer",
            data=dict(ANSWERS, csrf_token=http.Request.csrf_token(self)),
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/my"))
        self.assertEqual(survey.state, "open")

    def test_client_answers_in_the_portal(self):
        survey = self._open().filtered(lambda s: s.contract_id == self.contract)
        self.authenticate(self.portal_a.login, self.portal_a.login)
        page = self.url_open(f"/my/tma/contracts/{self.contract.id}")
        self.assertIn(f"/my/tma/surveys/{survey.id}", page.text)
        page = self.url_open(f"/my/tma/surveys/{survey.id}")
        self.assertIn("o_tma_survey_form", page.text)
        response = self.url_open(
            f"/my/tma/surveys/{survey.id}/answer",
            data=dict(ANSWERS, csrf_token=http.Request.csrf_token(self)),
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        self.assertEqual(survey.state, "answered")
        page = self.url_open(f"/my/tma/surveys/{survey.id}")
        self.assertIn("o_tma_survey_answered", page.text)
