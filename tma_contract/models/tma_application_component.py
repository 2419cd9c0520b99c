# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from .utils import reader_date

SUPPORT_STATUSES = [
    ("supported", "Supported"),
    ("ending", "End of support soon"),
    ("ended", "Out of support"),
    ("unknown", "Unknown"),
]


class TmaApplicationComponent(models.Model):
    """A component of an application environment (software, version, vendor)
    and its end-of-support date: the component watch.

    The cron :meth:`_cron_alert_end_of_support` warns ``alert_days`` before
    the end of support, once per date: an activity for the account manager
    of the client's contract and a notice to the client. An upgrade becomes
    an evolutive ticket in one click.
    """

    _name = "tma.application.component"
    _description = "Application Component"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "end_of_support_date, id"

    name = fields.Char(string="Software", required=True, tracking=True)
    version = fields.Char(tracking=True)
    vendor = fields.Char()
    environment_id = fields.Many2one(
        "tma.application.environment", required=True, ondelete="cascade", index=True
    )
    application_id = fields.Many2one(
        related="environment_id.application_id", store=True, index=True
    )
    partner_id = fields.Many2one(
        related="environment_id.partner_id", store=True, index=True
    )
    company_id = fields.Many2one(related="environment_id.company_id", store=True)
    end_of_support_date = fields.Date(tracking=True, index=True)
    alert_days = fields.Integer(
        string="Alert (days before)",
        default=90,
        help="The account manager and the client are warned this many days "
        "before the end of support.",
    )
    alert_sent_date = fields.Date(
        readonly=True,
        copy=False,
        help="When the end of support was announced (empty: not yet; a new "
        "end-of-support date announces again).",
    )
    support_status = fields.Selection(
        SUPPORT_STATUSES, compute="_compute_support_status"
    )
    upgrade_ticket_id = fields.Many2one(
        "helpdesk.ticket", string="Upgrade ticket", readonly=True, copy=False
    )
    notes = fields.Text()
    active = fields.Boolean(default=True)

    @api.depends("end_of_support_date", "alert_days")
    def _compute_support_status(self):
        today = fields.Date.context_today(self)
        for component in self:
            day = component.end_of_support_date
            if not day:
                component.support_status = "unknown"
            elif day < today:
                component.support_status = "ended"
            elif (day - today).days <= component.alert_days:
                component.support_status = "ending"
            else:
                component.support_status = "supported"

    @api.constrains("alert_days")
    def _check_alert_days(self):
        if any(component.alert_days < 0 for component in self):
            raise ValidationError(_("The alert delay cannot be negative."))

    def write(self, vals):
        if "end_of_support_date" in vals:
            vals = dict(vals, alert_sent_date=False)
        return super().write(vals)

    # ------------------------------------------------------------------
    # Contract
    # ------------------------------------------------------------------
    def _get_contract(self):
        """The active contract of the client that covers this component's
        application (its scope names it, or names no application)."""
        self.ensure_one()
        contracts = self.env["tma.contract"].search(
            [("partner_id", "=", self.partner_id.id), ("state", "=", "active")],
            order="date_start desc, id desc",
        )
        return (
            contracts.filtered(lambda c: self.application_id in c.application_ids)[:1]
            or contracts.filtered(lambda c: not c.application_ids)[:1]
        )

    # ------------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------------
    @api.model
    def _cron_alert_end_of_support(self, batch_size=200):
        """Announce the ends of support that come within each component's
        alert delay (or have passed), once per end-of-support date. Batched,
        idempotent, safe with parallel workers (``SKIP LOCKED``)."""
        today = fields.Date.context_today(self)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT id FROM tma_application_component
                    WHERE active AND alert_sent_date IS NULL
                      AND end_of_support_date IS NOT NULL
                      AND end_of_support_date - COALESCE(alert_days, 0) <= %s
                    ORDER BY end_of_support_date, id
                    LIMIT %s
                      FOR UPDATE SKIP LOCKED""",
                today,
                batch_size,
            )
        )
        components = self.browse([row[0] for row in self.env.cr.fetchall()])
        components._alert_end_of_support()
        remaining = 0
        if len(components) == batch_size:
            remaining = self.search_count(
                [
                    ("alert_sent_date", "=", False),
                    ("end_of_support_date", "!=", False),
                ]
            )
        if self.env.context.get("ir_cron_progress_id"):
            self.env["ir.cron"]._notify_progress(
                done=len(components), remaining=remaining
            )
        elif remaining:
            self.env.ref("tma_contract.ir_cron_tma_component_watch")._trigger()
        return components

    def _alert_end_of_support(self):
        today = fields.Date.context_today(self)
        for component in self:
            contract = component._get_contract()
            manager = contract.user_id or component.application_id.create_uid
            message = _(
                "%(software)s %(version)s on %(environment)s (%(application)s) "
                "reaches its end of support on %(date)s.",
                software=component.name,
                version=component.version or "",
                environment=component.environment_id.name,
                application=component.application_id.name,
                date=component.end_of_support_date,
            )
            component.activity_schedule(
                "mail.mail_activity_data_todo",
                # A month ahead of the end of support, or now when later.
                date_deadline=max(
                    today, component.end_of_support_date - relativedelta(days=30)
                ),
                summary=_("End of support: plan the upgrade"),
                note=message,
                user_id=(manager or self.env.user).id,
            )
            component.message_post(
                body=message,
                partner_ids=component.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
                message_type="comment",
            )
        self.write({"alert_sent_date": today})

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_create_upgrade_ticket(self):
        """Open an evolutive ticket for the upgrade of this component, on the
        client's contract (once: a component that has one opens it)."""
        self.ensure_one()
        self.check_access("write")
        if not self.upgrade_ticket_id:
            contract = self._get_contract()
            if not contract:
                raise UserError(
                    _(
                        "No active contract of %(client)s covers application "
                        "%(application)s.",
                        client=self.partner_id.display_name,
                        application=self.application_id.display_name,
                    )
                )
            env = contract._tma_reader_env()
            ticket = self.env["helpdesk.ticket"].create(
                {
                    "name": env._(
                        "Upgrade %(software)s %(version)s (end of support %(date)s)",
                        software=self.name,
                        version=self.version or "",
                        date=reader_date(env, self.end_of_support_date),
                    ),
                    "description": env._(
                        "%(software)s %(version)s by %(vendor)s on %(environment)s "
                        "reaches its end of support: plan its upgrade.",
                        software=self.name,
                        version=self.version or "",
                        vendor=self.vendor or "",
                        environment=self.environment_id.with_env(env).name,
                    ),
                    "partner_id": self.partner_id.id,
                    "tma_contract_id": contract.id,
                    "tma_application_id": self.application_id.id,
                    "tma_environment_id": self.environment_id.id,
                    "tma_maintenance_type_id": self.env.ref(
                        "tma_contract.maintenance_type_evolutive"
                    ).id,
                    "team_id": contract.team_ids[:1].id,
                }
            )
            self.upgrade_ticket_id = ticket
        return {
            "type": "ir.actions.act_window",
            "res_model": "helpdesk.ticket",
            "res_id": self.upgrade_ticket_id.id,
            "view_mode": "form",
        }
