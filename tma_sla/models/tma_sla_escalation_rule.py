# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .utils import CRITICALITIES, METRICS


class TmaSlaEscalationRule(models.Model):
    _name = "tma.sla.escalation.rule"
    _description = "TMA SLA Escalation Rule"
    _order = "policy_id, sequence, id"

    policy_id = fields.Many2one(
        "tma.sla.policy", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    metric = fields.Selection(METRICS, required=True, default="resolution")
    criticality = fields.Selection(
        CRITICALITIES, help="Leave empty for every criticality."
    )
    trigger = fields.Selection(
        [("percent", "Share of the target elapsed"), ("breach", "On breach")],
        required=True,
        default="percent",
    )
    percent = fields.Float(string="Elapsed (%)", default=75.0)
    level_id = fields.Many2one(
        "tma.support.level",
        string="Escalate to",
        required=True,
        help="The ticket moves to this level unless it is already there or above.",
    )

    @api.constrains("trigger", "percent")
    def _check_percent(self):
        for rule in self:
            if rule.trigger == "percent" and not 0 < rule.percent <= 100:
                raise ValidationError(
                    _("An escalation threshold is a share between 0 and 100 %.")
                )

    def _share(self):
        self.ensure_one()
        return 1.0 if self.trigger == "breach" else self.percent / 100.0

    @api.depends("metric", "trigger", "percent", "level_id")
    def _compute_display_name(self):
        metrics = dict(self._fields["metric"]._description_selection(self.env))
        for rule in self:
            when = (
                _("on breach")
                if rule.trigger == "breach"
                else _("at %(percent)s %%", percent=format(rule.percent, "g"))
            )
            rule.display_name = _(
                "%(metric)s %(when)s → %(level)s",
                metric=metrics.get(rule.metric, ""),
                when=when,
                level=rule.level_id.code or "",
            )
