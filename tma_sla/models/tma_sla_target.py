# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .utils import CRITICALITIES, DURATION_UNITS, METRICS


class TmaSlaTarget(models.Model):
    _name = "tma.sla.target"
    _description = "TMA SLA Target"
    _order = "policy_id, criticality, metric, support_level_id"

    policy_id = fields.Many2one(
        "tma.sla.policy", required=True, ondelete="cascade", index=True
    )
    criticality = fields.Selection(CRITICALITIES, required=True)
    metric = fields.Selection(METRICS, required=True)
    support_level_id = fields.Many2one(
        "tma.support.level",
        string="Support level",
        help="Only for tickets at this level (an L3 may have longer targets). "
        "Leave empty for the general target.",
    )
    ramp_up = fields.Boolean(
        string="Ramp-up target",
        default=False,
        help="Applies instead of the standard target during the ramp-up weeks "
        "after the contract's service start (see the policy).",
    )
    duration = fields.Float(required=True, default=4.0)
    duration_unit = fields.Selection(
        DURATION_UNITS, string="Unit", required=True, default="hour"
    )
    minutes = fields.Integer(
        compute="_compute_minutes",
        store=True,
        help="The target in business minutes.",
    )

    _sql_constraints = [
        (
            "target_uniq",
            # NULLS NOT DISTINCT: one general target (no support level) too.
            "unique nulls not distinct "
            "(policy_id, criticality, metric, support_level_id, ramp_up)",
            "A policy has one target per criticality, metric and support level "
            "(and one ramp-up target).",
        )
    ]

    @api.depends("duration", "duration_unit", "policy_id.hours_per_day")
    def _compute_minutes(self):
        for target in self:
            factor = {
                "minute": 1,
                "hour": 60,
                "day": 60 * (target.policy_id.hours_per_day or 8.0),
            }[target.duration_unit]
            target.minutes = round(target.duration * factor)

    @api.constrains("duration", "duration_unit")
    def _check_duration(self):
        for target in self:
            if target.minutes <= 0:
                raise ValidationError(
                    _(
                        "The %(metric)s target for %(criticality)s tickets must be "
                        "a positive duration of at least one minute.",
                        metric=dict(METRICS)[target.metric],
                        criticality=dict(CRITICALITIES)[target.criticality],
                    )
                )

    @api.depends("metric", "criticality", "duration", "duration_unit")
    def _compute_display_name(self):
        units = dict(self._fields["duration_unit"]._description_selection(self.env))
        metrics = dict(self._fields["metric"]._description_selection(self.env))
        crits = dict(self._fields["criticality"]._description_selection(self.env))
        for target in self:
            target.display_name = (
                f"{metrics.get(target.metric, '')} / "
                f"{crits.get(target.criticality, '')}: "
                f"{target.duration:g} {units.get(target.duration_unit, '')}"
            )
