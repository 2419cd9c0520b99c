# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.tma_contract.models.utils import reader_date

from .utils import LOW_SURVEY_SCORE, SURVEY_CRITERIA, SURVEY_MONTHS

SCORES = [(str(n), str(n)) for n in range(1, 6)]


class TmaSatisfactionSurvey(models.Model):
    """The periodic satisfaction survey of a contract (quarterly): the
    client scores the quality of service, responsiveness, quality of advice
    and communication from 1 to 5 and leaves a comment, in the portal. Scores
    over time per contract in the pivot and graph views; a low average
    proposes an improvement action.

    The client's answer is its act (``tma.party.act.mixin``): given by its
    contacts (or recorded on their behalf by a TMA manager with a reason and
    a piece of evidence), journaled, and never reopened nor edited
    afterwards, by anybody."""

    _name = "tma.satisfaction.survey"
    _description = "TMA Satisfaction Survey"
    _inherit = ["tma.portal.mixin", "mail.thread", "tma.party.act.mixin"]
    _order = "date_from desc, id desc"
    _tma_act_fields = (
        *(f"score_{key}" for key, _label in SURVEY_CRITERIA),
        "comment",
        "state",
        "answered_by_id",
        "answered_on",
    )

    name = fields.Char(compute="_compute_name", store=True)
    contract_id = fields.Many2one(
        "tma.contract", required=True, ondelete="cascade", index=True
    )
    partner_id = fields.Many2one(
        related="contract_id.partner_id", store=True, string="Client"
    )
    company_id = fields.Many2one(related="contract_id.company_id", store=True)
    date_from = fields.Date(string="Period from", required=True)
    date_to = fields.Date(string="Period to", required=True)
    state = fields.Selection(
        [("open", "Waiting for the client"), ("answered", "Answered")],
        default="open",
        required=True,
        tracking=True,
    )
    score_quality = fields.Selection(SCORES, string="Quality of service")
    score_responsiveness = fields.Selection(SCORES, string="Responsiveness")
    score_advice = fields.Selection(SCORES, string="Quality of advice")
    score_communication = fields.Selection(SCORES, string="Communication")
    comment = fields.Text()
    score_average = fields.Float(
        string="Average score",
        compute="_compute_score_average",
        store=True,
        aggregator="avg",
    )
    answered_by_id = fields.Many2one(
        "res.partner", string="Answered by", readonly=True, copy=False
    )
    answered_on = fields.Datetime(readonly=True, copy=False)

    _sql_constraints = [
        (
            "contract_period_uniq",
            "unique(contract_id, date_from)",
            "A contract has one survey per period.",
        )
    ]

    @api.depends("contract_id", "date_from", "date_to")
    def _compute_name(self):
        for survey in self:
            env = survey.contract_id._tma_reader_env()
            survey.name = env._(
                "Satisfaction survey %(contract)s %(start)s - %(end)s",
                contract=survey.contract_id.name or "",
                start=reader_date(env, survey.date_from),
                end=reader_date(env, survey.date_to),
            )

    @api.depends(*(f"score_{key}" for key, _label in SURVEY_CRITERIA))
    def _compute_score_average(self):
        for survey in self:
            scores = [
                int(survey[f"score_{key}"])
                for key, _label in SURVEY_CRITERIA
                if survey[f"score_{key}"]
            ]
            survey.score_average = round(sum(scores) / len(scores), 2) if scores else 0

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for survey in self:
            survey.access_url = f"/my/tma/surveys/{survey.id}"
        return result

    # ------------------------------------------------------------------
    # Answer
    # ------------------------------------------------------------------
    def _tma_act_party(self):
        return self.partner_id.commercial_partner_id

    def _tma_act_contract(self):
        return self.contract_id

    def _tma_act_label(self, code):
        return _("answer its satisfaction surveys")

    def _portal_answer(self, partner, answers, on_behalf_reason=None, evidence=None):
        """The answer of ``partner``, one of the client's contacts, from the
        portal: ``answers`` holds a score from 1 to 5 per criterion and an
        optional comment. Refused to anyone outside the client, on a survey
        already answered and for a missing or invalid score.

        The answer is the client's act: made by the current user when it is
        ``partner``'s, or recorded on the client's behalf by a TMA manager
        with ``on_behalf_reason`` and ``evidence`` (an attachment)."""
        self.ensure_one()
        act, partner = self._tma_check_contact_act(
            "survey_answer",
            partner,
            _("Only the client answers its satisfaction survey."),
            on_behalf_reason,
            evidence,
        )
        values = {}
        valid = {key for key, _label in SCORES}
        for key, label in SURVEY_CRITERIA:
            score = str(answers.get(key) or "")
            if score not in valid:
                raise UserError(
                    _("Give a score from 1 to 5 for: %(criterion)s.", criterion=label)
                )
            values[f"score_{key}"] = score
        values.update(
            comment=(answers.get("comment") or "").strip() or False,
            state="answered",
            answered_by_id=partner.id,
            answered_on=fields.Datetime.now(),
        )
        # Two answers at once: the second waits for the first, then finds
        # the survey answered.
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM tma_satisfaction_survey WHERE id = %s FOR UPDATE",
                self.id,
            )
        )
        self.invalidate_recordset()
        if self.state != "open":
            raise UserError(_("This survey is already answered."))
        self._tma_record_act("survey_answer", values, **act)
        self._tma_act_confirm(
            _("The answers to %(survey)s are recorded.", survey=self.name)
        )
        if self.score_average and self.score_average <= LOW_SURVEY_SCORE:
            self._propose_action()
        return True

    def _tma_act_on_behalf(self, act, on_behalf_reason, evidence, **details):
        """``act``: "answer", with the client's ``answers`` (a score per
        criterion, the comment), given by ``partner`` (the client when
        empty)."""
        if act != "answer":
            return super()._tma_act_on_behalf(
                act, on_behalf_reason, evidence, **details
            )
        return self._portal_answer(
            details.get("partner") or self.partner_id,
            details.get("answers") or {},
            on_behalf_reason,
            evidence,
        )

    def _propose_action(self):
        Action = self.env["tma.improvement.action"].sudo()
        for survey in self:
            Action.create(
                {
                    "name": survey.contract_id._tma_reader_env()._(
                        "Survey: %(survey)s", survey=survey.name
                    ),
                    "contract_id": survey.contract_id.id,
                    "origin": "survey",
                    "user_id": (survey.contract_id.user_id or self.env.user).id,
                    "date_due": fields.Date.add(
                        fields.Date.context_today(self), days=30
                    ),
                    "description": survey.comment or False,
                }
            )

    # ------------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------------
    @api.model
    def _cron_open_surveys(self, batch_size=200):
        """At the start of each quarter, open the survey of the quarter that
        ended for every active contract, once (unique per contract and
        period), and tell the client. Parallel runs skip the contracts
        another worker holds."""
        today = fields.Date.context_today(self)
        quarter_start = today.replace(
            month=(today.month - 1) // SURVEY_MONTHS * SURVEY_MONTHS + 1, day=1
        )
        date_from = quarter_start - relativedelta(months=SURVEY_MONTHS)
        date_to = quarter_start - relativedelta(days=1)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT c.id FROM tma_contract c
                    WHERE c.state IN ('active', 'reversibility')
                      AND c.date_start <= %s
                      AND NOT EXISTS (
                        SELECT 1 FROM tma_satisfaction_survey s
                         WHERE s.contract_id = c.id AND s.date_from = %s)
                    ORDER BY c.id LIMIT %s FOR UPDATE OF c SKIP LOCKED""",
                date_to,
                date_from,
                batch_size,
            )
        )
        contract_ids = [r[0] for r in self.env.cr.fetchall()]
        surveys = self.create(
            [
                {"contract_id": cid, "date_from": date_from, "date_to": date_to}
                for cid in contract_ids
            ]
        )
        template = self.env.ref("tma_sla.mail_template_tma_satisfaction_survey")
        for survey in surveys:
            survey._portal_ensure_token()
            survey.message_post_with_source(
                template, message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        more = len(contract_ids) == batch_size
        self.env["ir.cron"]._notify_progress(done=len(surveys), remaining=int(more))
        if more and not self.env.context.get("ir_cron_progress_id"):
            self.env.ref("tma_sla.ir_cron_tma_satisfaction_surveys")._trigger()
        return surveys
