# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL


class TmaSlaOutage(models.Model):
    """A period an environment was unavailable: a planned window or an
    unplanned outage, with the incident tickets behind it.

    Outages of one environment never overlap: an outage that overlaps
    another is refused (extend the existing one instead), so that no minute
    of downtime counts twice.
    """

    _name = "tma.sla.outage"
    _description = "Environment Outage"
    _inherit = ["mail.thread"]
    _order = "date_start desc, id desc"

    name = fields.Char(string="Summary", required=True, tracking=True)
    environment_id = fields.Many2one(
        "tma.application.environment",
        required=True,
        ondelete="cascade",
        index=True,
        tracking=True,
    )
    application_id = fields.Many2one(related="environment_id.application_id")
    partner_id = fields.Many2one(
        related="environment_id.partner_id", store=True, index=True
    )
    company_id = fields.Many2one(related="environment_id.company_id", store=True)
    kind = fields.Selection(
        [("planned", "Planned window"), ("unplanned", "Unplanned outage")],
        required=True,
        default="unplanned",
        tracking=True,
    )
    date_start = fields.Datetime(
        string="Start", required=True, default=fields.Datetime.now, tracking=True
    )
    date_end = fields.Datetime(
        string="End", tracking=True, help="Empty while the outage goes on."
    )
    ticket_ids = fields.Many2many("helpdesk.ticket", string="Incident tickets")
    description = fields.Html()
    ongoing = fields.Boolean(compute="_compute_ongoing")

    @api.depends("date_start", "date_end")
    def _compute_ongoing(self):
        now = fields.Datetime.now()
        for outage in self:
            outage.ongoing = outage.date_start <= now and (
                not outage.date_end or outage.date_end > now
            )

    @api.model
    def _get_ongoing_domain(self, partner):
        """The domain of the outages of ``partner``'s environments going on
        now."""
        now = fields.Datetime.now()
        return [
            ("partner_id", "=", partner.id),
            ("date_start", "<=", now),
            "|",
            ("date_end", "=", False),
            ("date_end", ">", now),
        ]

    @api.model
    def _get_ongoing(self, partner):
        """The outages of ``partner``'s environments going on now, as the
        current user may read them."""
        return self.search(self._get_ongoing_domain(partner))

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for outage in self:
            if outage.date_end and outage.date_end <= outage.date_start:
                raise ValidationError(
                    _(
                        "Outage %(name)s must end after it starts.",
                        name=outage.name,
                    )
                )

    @api.constrains("environment_id", "date_start", "date_end")
    def _check_overlap(self):
        self.flush_model(["environment_id", "date_start", "date_end"])
        for outage in self:
            self.env.cr.execute(
                SQL(
                    """SELECT name FROM tma_sla_outage
                        WHERE environment_id = %s AND id != %s
                          AND date_start < COALESCE(%s::timestamp, 'infinity')
                          AND COALESCE(date_end, 'infinity'::timestamp) > %s
                        LIMIT 1""",
                    outage.environment_id.id,
                    outage.id,
                    outage.date_end or None,
                    outage.date_start,
                )
            )
            row = self.env.cr.fetchone()
            if row:
                raise ValidationError(
                    _(
                        "Outage %(name)s overlaps outage %(other)s of the same "
                        "environment: extend that one instead.",
                        name=outage.name,
                        other=row[0],
                    )
                )
