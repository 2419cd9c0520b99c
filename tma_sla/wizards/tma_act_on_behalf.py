# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from ..models.tma_satisfaction_survey import SCORES
from ..models.utils import SURVEY_CRITERIA


class TmaActOnBehalf(models.TransientModel):
    """A survey's answers, or a ticket's rating, recorded on the client's
    behalf: the scores or the rating it gave (on paper, by email) with the
    comment."""

    _inherit = "tma.act.on.behalf"

    score_quality = fields.Selection(SCORES, string="Quality of service")
    score_responsiveness = fields.Selection(SCORES, string="Responsiveness")
    score_advice = fields.Selection(SCORES, string="Quality of advice")
    score_communication = fields.Selection(SCORES, string="Communication")
    rate = fields.Selection(
        [("5", "Satisfied"), ("3", "Okay"), ("1", "Dissatisfied")],
        string="Rating",
    )

    def _tma_act_details(self):
        details = super()._tma_act_details()
        if self.res_model == "tma.satisfaction.survey":
            details["answers"] = {
                key: self[f"score_{key}"] for key, _label in SURVEY_CRITERIA
            }
            details["answers"]["comment"] = details.pop("comment", False)
        if self.res_model == "rating.rating":
            details["rate"] = self.rate
        return details
