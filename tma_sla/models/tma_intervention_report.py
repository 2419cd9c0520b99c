# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import html2plaintext

from .utils import FIX_KINDS


class TmaInterventionReport(models.Model):
    """The intervention report of a closed corrective or evolutive ticket:
    diagnosis, what was done, the kind of fix, who validated it on which
    environment, the time spent and the follow-up. Closing the ticket drafts
    it and asks the assignee to write it; sending it emails the client, shows
    it on the ticket's portal page and (with tma_reversibility) files it in
    the contract's documentation register."""

    _name = "tma.intervention.report"
    _description = "TMA Intervention Report"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"

    name = fields.Char(compute="_compute_name", store=True)
    ticket_id = fields.Many2one(
        "helpdesk.ticket", required=True, ondelete="cascade", index=True
    )
    contract_id = fields.Many2one(
        related="ticket_id.tma_contract_id", store=True, index=True
    )
    partner_id = fields.Many2one(
        related="ticket_id.tma_contract_id.partner_id", store=True, string="Client"
    )
    company_id = fields.Many2one(related="ticket_id.company_id", store=True)
    diagnosis = fields.Html()
    actions_done = fields.Html(string="What was done")
    fix_kind = fields.Selection(FIX_KINDS, string="Kind of fix")
    validated_by = fields.Char(
        string="Validated by", help="Who validated the fix (name, role)."
    )
    environment_id = fields.Many2one(
        "tma.application.environment",
        string="Validated on",
        help="The environment on which the fix was validated.",
    )
    time_spent = fields.Float(string="Time spent (hours)")
    follow_up = fields.Html(string="Follow-up")
    state = fields.Selection(
        [("draft", "To write"), ("sent", "Sent")],
        default="draft",
        required=True,
        tracking=True,
    )
    sent_on = fields.Datetime(readonly=True, copy=False)

    _sql_constraints = [
        (
            "ticket_uniq",
            "unique(ticket_id)",
            "A ticket has one intervention report.",
        ),
        (
            "time_spent_positive",
            "CHECK(time_spent >= 0)",
            "The time spent cannot be negative.",
        ),
    ]

    @api.depends("ticket_id.number")
    def _compute_name(self):
        for report in self:
            env = report.ticket_id.tma_contract_id._tma_reader_env()
            report.name = env._(
                "Intervention report %(ticket)s", ticket=report.ticket_id.number or ""
            )

    @api.constrains("environment_id", "ticket_id")
    def _check_environment(self):
        for report in self:
            app = report.ticket_id.tma_application_id
            env_app = report.environment_id.application_id
            if report.environment_id and app and env_app != app:
                raise ValidationError(
                    _(
                        "The environment %(env)s is not one of %(app)s.",
                        env=report.environment_id.display_name,
                        app=app.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------
    def _check_complete(self):
        for report in self:
            missing = [
                label
                for field_name, label in (
                    ("diagnosis", _("diagnosis")),
                    ("actions_done", _("what was done")),
                    ("fix_kind", _("kind of fix")),
                )
                if not html2plaintext(str(report[field_name] or "")).strip()
            ]
            if missing:
                raise UserError(
                    _(
                        "Complete the intervention report %(report)s first: "
                        "%(missing)s.",
                        report=report.name,
                        missing=", ".join(missing),
                    )
                )

    def action_send(self):
        """Send the report to the client (email), show it on the ticket's
        portal page and hand it to the ticket's hook (the documentation
        register of tma_reversibility)."""
        self._check_complete()
        template = self.env.ref("tma_sla.mail_template_tma_intervention_report")
        for report in self:
            report.write({"state": "sent", "sent_on": fields.Datetime.now()})
            report.ticket_id.message_post_with_source(
                template,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            report.activity_unlink(["tma_sla.mail_activity_tma_intervention_report"])
            report.ticket_id._tma_on_intervention_report(
                report.name, report._plain_text()
            )
        return True

    def _plain_text(self):
        """The report as plain text (for the register's file)."""
        self.ensure_one()
        env = self.ticket_id.tma_contract_id._tma_reader_env()
        ticket = self.ticket_id.with_env(env)
        fix_kinds = dict(self._fields["fix_kind"]._description_selection(env))
        lines = [
            self.name,
            env._("Ticket: %(ticket)s", ticket=ticket.display_name),
            *self.ticket_id._tma_report_header(env),
            "",
            env._("Request"),
            html2plaintext(ticket.description or ""),
            "",
            env._("Diagnosis"),
            html2plaintext(self.diagnosis or ""),
            "",
            env._("What was done"),
            html2plaintext(self.actions_done or ""),
            "",
            env._("Kind of fix: %(kind)s", kind=fix_kinds.get(self.fix_kind, "-")),
            env._(
                "Validated by %(who)s on %(env)s",
                who=self.validated_by or "-",
                env=self.environment_id.with_env(env).display_name or "-",
            ),
            env._("Time spent: %(hours)s h", hours=self.time_spent),
            "",
            env._("Follow-up"),
            html2plaintext(self.follow_up or "") or "-",
        ]
        return "\n".join(lines)
