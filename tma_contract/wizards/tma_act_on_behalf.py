# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models


class TmaActOnBehalf(models.TransientModel):
    """A TMA manager records a party's act on its behalf (a signed paper, an
    email): sign off or mark not applicable a checklist item, answer a
    survey, approve or refuse an amendment. With a reason and the piece of
    evidence, attached to the record; the record's model checks the rest
    (``tma.party.act.mixin._tma_act_on_behalf``) and the act shows as
    "recorded by … on behalf of …" wherever it appears."""

    _name = "tma.act.on.behalf"
    _description = "Record a party's act on its behalf"

    res_model = fields.Char(string="Document model", readonly=True)
    res_id = fields.Many2oneReference(
        string="Document", model_field="res_model", readonly=True
    )
    act = fields.Char(readonly=True, help="The code of the act the record knows.")
    act_label = fields.Char(string="Act", compute="_compute_act_label")
    partner_id = fields.Many2one(
        "res.partner",
        string="Contact of the party",
        help="The contact who gave the act (the party itself when empty).",
    )
    comment = fields.Text(string="Party's comment")
    on_behalf_reason = fields.Text(
        string="Reason",
        help="Why the party's act is recorded on its behalf.",
    )
    evidence = fields.Binary()
    evidence_name = fields.Char()

    @api.depends("res_model", "res_id", "act")
    def _compute_act_label(self):
        for wizard in self:
            record, act = wizard._tma_act_target()
            wizard.act_label = (
                _(
                    "%(record)s: %(act)s",
                    record=record.display_name,
                    act=record._tma_act_label(act),
                )
                if record and act
                else False
            )

    def _tma_act_target(self):
        """The record the act is made on, and the act's code (hook)."""
        self.ensure_one()
        if not self.res_model or self.res_model not in self.env:
            return self.env["tma.party.act.mixin"], self.act
        return self.env[self.res_model].browse(self.res_id).exists(), self.act

    def _tma_act_details(self):
        """What the act gives besides the reason and the evidence (hook):
        the contact, the party's comment."""
        details = {}
        if self.partner_id:
            details["partner"] = self.partner_id
        if self.comment:
            details["comment"] = self.comment
        return details

    def _prepare_evidence_values(self, record):
        return {
            "name": self.evidence_name or "evidence",
            "datas": self.evidence,
            "res_model": record._name,
            "res_id": record.id,
        }

    def action_confirm(self):
        self.ensure_one()
        record, act = self._tma_act_target()
        evidence = None
        if self.evidence:
            evidence = self.env["ir.attachment"].create(
                self._prepare_evidence_values(record)
            )
        record._tma_act_on_behalf(
            act, self.on_behalf_reason, evidence, **self._tma_act_details()
        )
        return {"type": "ir.actions.act_window_close"}
