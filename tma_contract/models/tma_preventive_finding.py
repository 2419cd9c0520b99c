# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class TmaPreventiveFinding(models.Model):
    """What a preventive audit found, with its recommendation. A finding
    becomes an evolutive ticket of the same contract in one click."""

    _name = "tma.preventive.finding"
    _description = "Preventive Audit Finding"
    _order = "ticket_id, id"

    ticket_id = fields.Many2one(
        "helpdesk.ticket", required=True, ondelete="cascade", index=True
    )
    occurrence_id = fields.Many2one(
        related="ticket_id.tma_preventive_occurrence_id", store=True, index=True
    )
    partner_id = fields.Many2one(
        related="ticket_id.commercial_partner_id", store=True, index=True
    )
    name = fields.Char(string="Finding", required=True)
    severity = fields.Selection(
        [("low", "Low"), ("medium", "Medium"), ("high", "High")],
        default="medium",
        required=True,
    )
    recommendation = fields.Text()
    evolutive_ticket_id = fields.Many2one(
        "helpdesk.ticket", string="Evolutive ticket", readonly=True, copy=False
    )

    @api.model
    def _get_evolutive_type(self):
        return self.env.ref("tma_contract.maintenance_type_evolutive")

    def _prepare_evolutive_values(self):
        """Values of the evolutive ticket made from this finding (hook)."""
        self.ensure_one()
        source = self.ticket_id
        env = source.tma_contract_id._tma_reader_env()
        return {
            "name": self.name,
            "description": env._(
                "Recommendation of the preventive audit %(ticket)s: %(recommendation)s",
                ticket=source.display_name,
                recommendation=self.recommendation or self.name,
            ),
            "partner_id": source.partner_id.id,
            "tma_contract_id": source.tma_contract_id.id,
            "tma_application_id": source.tma_application_id.id,
            "tma_environment_id": source.tma_environment_id.id,
            "tma_maintenance_type_id": self._get_evolutive_type().id,
            "team_id": source.team_id.id,
            "company_id": source.company_id.id,
        }

    def _tma_lock(self, fnames):
        """Lock this finding's row until the transaction ends, then read
        ``fnames`` afresh: of two clicks at once on the same finding, the
        second waits for the first, then sees what it made (or fails to
        serialize and is replayed, as Odoo replays HTTP and RPC calls)."""
        self.ensure_one()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM tma_preventive_finding WHERE id = %s FOR UPDATE",
                self.id,
            )
        )
        self.invalidate_recordset(fnames)

    def _tma_made_from(self, record, message):
        """Say on the audit ticket what this finding gave (``record``, with
        ``message``), and open it."""
        self.ticket_id.message_post(body=message, subtype_xmlid="mail.mt_note")
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "view_mode": "form",
        }

    def action_create_evolutive(self):
        """Open an evolutive ticket of the same contract from this finding
        (once: a finding that already has one opens it, two clicks at once
        make one ticket)."""
        self.ensure_one()
        self.check_access("write")
        self._tma_lock(["evolutive_ticket_id"])
        if self.evolutive_ticket_id:
            return {
                "type": "ir.actions.act_window",
                "res_model": "helpdesk.ticket",
                "res_id": self.evolutive_ticket_id.id,
                "view_mode": "form",
            }
        if self.ticket_id.tma_contract_id.state != "active":
            raise UserError(_("The contract of this finding is no longer active."))
        ticket = self.env["helpdesk.ticket"].create(self._prepare_evolutive_values())
        self.evolutive_ticket_id = ticket
        return self._tma_made_from(
            ticket,
            _(
                "Evolutive ticket %(ticket)s opened from finding %(finding)s.",
                ticket=ticket.display_name,
                finding=self.name,
            ),
        )
