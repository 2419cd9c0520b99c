# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from pytz import UTC

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from .utils import ACTION_ORIGINS, ACTION_STATES, ACTION_TRANSITIONS, OWNER_SIDES


class TmaImprovementAction(models.Model):
    """An improvement action of a contract's action plan: what will make the
    service better, who does it (provider or client side) and by when. Born
    by hand or in one click from its origin (a breach, a recurring incident,
    a low rating, a survey, a review, a client request); the client follows
    and comments it in the portal; overdue actions raise an activity."""

    _name = "tma.improvement.action"
    _description = "TMA Improvement Action"
    _inherit = ["tma.portal.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date_due, id"

    name = fields.Char(string="Title", required=True, tracking=True)
    contract_id = fields.Many2one(
        "tma.contract", required=True, ondelete="cascade", index=True
    )
    partner_id = fields.Many2one(
        related="contract_id.partner_id", store=True, string="Client"
    )
    company_id = fields.Many2one(related="contract_id.company_id", store=True)
    description = fields.Html()
    origin = fields.Selection(
        ACTION_ORIGINS, required=True, default="request", tracking=True
    )
    ticket_id = fields.Many2one(
        "helpdesk.ticket",
        string="Origin ticket",
        ondelete="set null",
        index="btree_not_null",
    )
    rating_id = fields.Many2one(
        "rating.rating", string="Origin rating", ondelete="set null"
    )
    review_id = fields.Many2one(
        "tma.review",
        string="Origin review",
        ondelete="set null",
        index="btree_not_null",
    )
    finding_id = fields.Many2one(
        "tma.preventive.finding",
        string="Origin finding",
        ondelete="set null",
        index="btree_not_null",
        copy=False,
        help="The finding of a preventive audit this action answers.",
    )
    owner_side = fields.Selection(
        OWNER_SIDES, required=True, default="provider", tracking=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Owner (provider)",
        tracking=True,
        default=lambda self: self.env.user,
    )
    owner_partner_id = fields.Many2one(
        "res.partner", string="Owner (client)", tracking=True
    )
    date_due = fields.Date(string="Due date", required=True, tracking=True)
    state = fields.Selection(
        ACTION_STATES, required=True, default="proposed", tracking=True
    )
    date_done = fields.Date(readonly=True, copy=False)
    evidence = fields.Html(
        help="What shows that the action is done and works (figures, "
        "documents, ticket references)."
    )
    is_overdue = fields.Boolean(
        compute="_compute_is_overdue", search="_search_is_overdue", string="Overdue"
    )

    _sql_constraints = [
        (
            "finding_uniq",
            "unique(finding_id)",
            "A preventive finding has one improvement action.",
        )
    ]

    @api.depends("date_due", "state")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for action in self:
            action.is_overdue = (
                action.state in ("proposed", "open")
                and bool(action.date_due)
                and action.date_due < today
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on overdue actions."))
        domain = [
            ("state", "in", ("proposed", "open")),
            ("date_due", "<", fields.Date.context_today(self)),
        ]
        if (operator == "=") == value:
            return domain
        return ["!", "&", *domain]

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for action in self:
            action.access_url = f"/my/tma/actions/{action.id}"
        return result

    @api.constrains("date_due")
    def _check_date_due(self):
        for action in self:
            # Created on the contract's day (in its time zone), as due.
            created = (
                UTC.localize(action.create_date or fields.Datetime.now())
                .astimezone(action.contract_id._tma_tz())
                .date()
            )
            if action.date_due and action.date_due < created:
                raise ValidationError(
                    _(
                        "The improvement action “%(action)s” cannot be due "
                        "(%(due)s) before it was created (%(created)s).",
                        action=action.name,
                        due=action.date_due,
                        created=created,
                    )
                )

    # ------------------------------------------------------------------
    # Status
    # ------------------------------------------------------------------
    def _set_state(self, state):
        for action in self:
            if state not in ACTION_TRANSITIONS[action.state]:
                labels = dict(ACTION_STATES)
                raise UserError(
                    _(
                        "The improvement action “%(action)s” cannot go from "
                        "%(old)s to %(new)s.",
                        action=action.name,
                        old=labels[action.state],
                        new=labels[state],
                    )
                )
        self.write(
            {
                "state": state,
                "date_done": fields.Date.context_today(self)
                if state == "done"
                else False,
            }
        )
        if state in ("done", "cancelled"):
            self.activity_unlink(["tma_sla.mail_activity_tma_action_overdue"])
        return True

    def action_open(self):
        return self._set_state("open")

    def action_done(self):
        return self._set_state("done")

    def action_cancel(self):
        return self._set_state("cancelled")

    def action_reset(self):
        return self._set_state("proposed")

    # ------------------------------------------------------------------
    # Creation from an origin
    # ------------------------------------------------------------------
    @api.model
    def _prepare_from_ticket_values(self, ticket, origin, rating=None):
        """Values of an action born from ``ticket`` (a breach, a recurring
        incident or a low rating): an inheriting module may add its own."""
        contract = ticket.tma_contract_id
        env = contract._tma_reader_env()
        labels = dict(self._fields["origin"]._description_selection(env))
        return {
            "name": env._(
                "%(origin)s: %(ticket)s", origin=labels[origin], ticket=ticket.number
            ),
            "contract_id": contract.id,
            "origin": origin,
            "ticket_id": ticket.id,
            "rating_id": rating and rating.id,
            "user_id": (contract.user_id or self.env.user).id,
            "date_due": fields.Date.add(fields.Date.context_today(self), days=30),
            "description": rating and rating.feedback or False,
        }

    # ------------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------------
    @api.model
    def _cron_overdue_actions(self, batch_size=200):
        """Schedule one activity "overdue improvement action" for the owner
        of each overdue action that has none yet. Idempotent (an action with
        the activity is skipped); parallel runs skip the actions another
        worker holds; re-armed while actions are left."""
        activity_type = self.env.ref("tma_sla.mail_activity_tma_action_overdue")
        today = fields.Date.context_today(self)
        candidates = SQL(
            """SELECT a.id FROM tma_improvement_action a
                WHERE a.state IN ('proposed', 'open') AND a.date_due < %s
                  AND NOT EXISTS (
                    SELECT 1 FROM mail_activity m
                     WHERE m.res_model = %s AND m.res_id = a.id
                       AND m.activity_type_id = %s)""",
            today,
            self._name,
            activity_type.id,
        )
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "%s ORDER BY a.id LIMIT %s FOR UPDATE OF a SKIP LOCKED",
                candidates,
                batch_size,
            )
        )
        actions = self.browse(r[0] for r in self.env.cr.fetchall())
        for action in actions:
            action.activity_schedule(
                "tma_sla.mail_activity_tma_action_overdue",
                date_deadline=today,
                summary=_("Overdue since %(date)s", date=action.date_due),
                user_id=(
                    action.user_id or action.contract_id.user_id or self.env.user
                ).id,
            )
        self.env.cr.execute(SQL("SELECT COUNT(*) FROM (%s) AS c", candidates))
        remaining = self.env.cr.fetchone()[0]
        self.env["ir.cron"]._notify_progress(done=len(actions), remaining=remaining)
        if remaining and not self.env.context.get("ir_cron_progress_id"):
            self.env.ref("tma_sla.ir_cron_tma_improvement_overdue")._trigger()
        return actions

    # ------------------------------------------------------------------
    # Portal
    # ------------------------------------------------------------------
    def _portal_comment(self, partner, body):
        """A comment of the client's contact ``partner`` from the portal."""
        self.ensure_one()
        body = (body or "").strip()
        if not body:
            raise UserError(_("Write a comment first."))
        if partner.commercial_partner_id != self.partner_id.commercial_partner_id:
            raise UserError(_("Only the client's contacts comment its actions."))
        return self.sudo().message_post(
            body=body,
            author_id=partner.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
