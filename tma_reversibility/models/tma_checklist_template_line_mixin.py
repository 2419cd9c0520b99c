# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import fields, models


class TmaChecklistTemplateLineMixin(models.AbstractModel):
    """One item of a checklist template, copied into a contract's checklist
    (``tma.checklist.item.mixin``) when the phase starts.

    Inheriting models define ``template_id`` and ``side`` and name in
    ``_checklist_item_fields`` the fields their items copy besides those of
    every checklist (name, description, side, …)."""

    _name = "tma.checklist.template.line.mixin"
    _description = "TMA checklist template item"
    _order = "template_id, sequence, id"

    # The line's fields copied as they are into the item of the same name.
    _checklist_item_fields = ()

    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    mandatory = fields.Boolean(default=True)
    due_days = fields.Integer(
        string="Due after (days)",
        default=30,
        help="Days after the start of the phase.",
    )

    def _prepare_checklist_item_values(self, contract, start):
        """The values of the item this line gives ``contract``'s checklist,
        the phase having started on ``start``; read in the language the
        line's records are in (the party's: see the generator)."""
        self.ensure_one()
        values = {
            "contract_id": contract.id,
            "due_date": start + timedelta(days=self.due_days),
        }
        for name in ("sequence", "name", "description", "side", "mandatory"):
            values[name] = self[name]
        for name in self._checklist_item_fields:
            values[name] = self[name]
        return values
