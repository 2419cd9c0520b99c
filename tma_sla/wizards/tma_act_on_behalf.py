# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from ..models.tma_satisfaction_survey import SCORES
from ..models.utils import SURVEY_CRITERIA


class TmaActOnBehalf(models.TransientModel):
    """A survey's answers recorded on the client's behalf: the scores it
    gave (on paper, by email) with the comment."""

    _inherit = "tma.act.on.behalf"

    score_quality = fields.Selection(SCORES, string="Quality of service")
    score_responsiveness = fields.Selection(SCORES, string="Responsiveness")
    score_advice = fields.Selection(SCORES, string="Quality of advice")
    score_communication = fields.Selection(SCORES, string="Communication")

    def _tma_act_details(self):
        details = super()._tma_act_details()
        if self.res_model == "tma.satisfaction.survey":
            details["answers"] = {
                key: self[f"score_{key}"] for key, _label in SURVEY_CRITERIA
            }
            details["answers"]["comment"] = details.pop("comment", False)
        return details
