# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import plaintext2html

from .utils import FINDING_ACTION_DAYS


class TmaPreventiveFinding(models.Model):
    """A finding of a preventive audit also becomes an improvement action of
    the contract's action plan in one click (once per finding, enforced by
    the database), beside the evolutive ticket of tma_contract."""

    _inherit = "tma.preventive.finding"

    improvement_action_ids = fields.One2many(
        "tma.improvement.action", "finding_id", string="Improvement actions"
    )
    improvement_action_id = fields.Many2one(
        "tma.improvement.action",
        string="Improvement action",
        compute="_compute_improvement_action_id",
    )

    @api.depends("improvement_action_ids")
    def _compute_improvement_action_id(self):
        for finding in self:
            finding.improvement_action_id = finding.improvement_action_ids[:1]

    def _prepare_improvement_action_values(self):
        """Values of the improvement action answering this finding (hook):
        due in a delay set by the finding's severity, owned by the
        contract's account manager."""
        self.ensure_one()
        contract = self.ticket_id.tma_contract_id
        env = contract._tma_reader_env()
        labels = dict(
            self.env["tma.improvement.action"]
            ._fields["origin"]
            ._description_selection(env)
        )
        return {
            "name": env._(
                "%(origin)s: %(finding)s",
                origin=labels["preventive"],
                finding=self.name,
            ),
            "contract_id": contract.id,
            "origin": "preventive",
            "finding_id": self.id,
            "ticket_id": self.ticket_id.id,
            "user_id": (contract.user_id or self.env.user).id,
            # Due in the contract's days, whoever clicks and from wherever.
            "date_due": fields.Date.add(
                contract._tma_today(),
                days=FINDING_ACTION_DAYS.get(self.severity, 30),
            ),
            "description": plaintext2html(self.recommendation or self.name),
        }

    def action_create_improvement_action(self):
        """Create the improvement action answering this finding and open it.
        Refused for a finding that already has one, or whose audit is not
        under a contract."""
        self.ensure_one()
        self.check_access("write")
        self._tma_lock(["improvement_action_ids"])
        if self.improvement_action_ids:
            raise UserError(
                _(
                    "The finding “%(finding)s” already has its improvement "
                    "action: %(action)s.",
                    finding=self.name,
                    action=self.improvement_action_ids[:1].name,
                )
            )
        if not self.ticket_id.tma_contract_id:
            raise UserError(_("The audit of this finding is not under a TMA contract."))
        action = self.env["tma.improvement.action"].create(
            self._prepare_improvement_action_values()
        )
        return self._tma_made_from(
            action,
            _(
                "Improvement action %(action)s created from finding %(finding)s.",
                action=action.name,
                finding=self.name,
            ),
        )
