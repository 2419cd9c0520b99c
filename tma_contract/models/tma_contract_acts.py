# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, fields, models
from odoo.exceptions import AccessError


class TmaContract(models.Model):
    """The journal of the parties' acts of a contract (``tma.act.journal``)."""

    _inherit = "tma.contract"  # pylint: disable=consider-merging-classes-inherited
    _tma_protected_fields = ("balance", "ledger_seq", "entry_seq", "act_seq")

    act_seq = fields.Integer(
        string="Last act number",
        readonly=True,
        copy=False,
        default=0,
        help="Number of the last entry of the contract's journal of acts: "
        "entries are numbered per contract, without gaps.",
    )
    act_journal_count = fields.Integer(
        string="Acts", compute="_compute_act_journal_count"
    )

    def _compute_act_journal_count(self):
        counts = dict(
            self.env["tma.act.journal"]._read_group(
                [("contract_id", "in", self.ids)], ["contract_id"], ["__count"]
            )
        )
        for contract in self:
            contract.act_journal_count = counts.get(contract, 0)

    def _tma_verify_journal(self):
        """The first entry of the journal of acts that was changed or deleted
        since it was written (even in SQL): None when the journal is intact,
        else a dict with its ``sequence``, the ``entry`` (empty when deleted)
        and the ``reason``."""
        self.ensure_one()
        return self.env["tma.act.journal"].sudo()._tma_check_chain(self)

    def action_tma_verify_journal(self):
        if not self.env.user.has_group("tma_contract.group_tma_manager"):
            raise AccessError(_("Only a TMA manager verifies the journal of acts."))
        for contract in self:
            problem = contract._tma_verify_journal()
            if problem:
                body = _(
                    "Journal of acts verified: NOT intact, %(reason)s.",
                    reason=problem["reason"],
                )
            else:
                body = _(
                    "Journal of acts verified: intact (%(count)s entries).",
                    count=contract.act_seq,
                )
            contract.message_post(body=body, subtype_xmlid="mail.mt_note")
        return True

    def action_view_act_journal(self):
        self.ensure_one()
        return self._action_open(
            "tma_contract.tma_act_journal_action", [("contract_id", "=", self.id)]
        )
