# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ContractLine(models.Model):
    """A line of the OCA recurring contract that invoices a TMA fee: the fee
    itself, or a one-shot adjustment (the prorated difference of a fee
    amended inside an invoiced period, the credit of days invoiced after an
    earlier end)."""

    _inherit = "contract.line"

    tma_amendment_id = fields.Many2one(
        "tma.contract.amendment",
        string="Amendment",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The amendment this one-shot adjustment invoices.",
    )
    tma_adjustment = fields.Boolean(
        string="TMA adjustment",
        readonly=True,
        copy=False,
        help="A one-shot line prorating a change of the TMA contract's terms "
        "over days already invoiced: it does not follow the contract's end.",
    )
