# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.tma_contract.models.utils import reader_date

from .utils import REVIEW_STATES

# How far ahead the cron schedules a review (days).
REVIEW_HORIZON_DAYS = 30


class TmaReview(models.Model):
    """A periodic review (*comité*) of a contract: a calendar event with the
    attendees of both sides, an agenda filled in from the figures of the
    period it covers, minutes and decisions written by the provider and
    approved by the client in the portal, printed as a PDF."""

    _name = "tma.review"
    _description = "TMA Periodic Review"
    _inherit = [
        "tma.portal.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "tma.party.act.mixin",
    ]
    _order = "date desc, id desc"
    _tma_act_fields = ("approved_by_id", "approved_on")

    name = fields.Char(compute="_compute_name", store=True)
    type_id = fields.Many2one(
        "tma.review.type", string="Review type", required=True, ondelete="restrict"
    )
    kind = fields.Selection(related="type_id.kind", store=True)
    contract_id = fields.Many2one(related="type_id.contract_id", store=True, index=True)
    partner_id = fields.Many2one(
        related="type_id.contract_id.partner_id", store=True, string="Client"
    )
    company_id = fields.Many2one(related="type_id.contract_id.company_id", store=True)
    date = fields.Datetime(required=True, tracking=True)
    date_from = fields.Date(string="Period from", required=True)
    date_to = fields.Date(string="Period to", required=True)
    calendar_event_id = fields.Many2one(
        "calendar.event", string="Meeting", readonly=True, copy=False
    )
    state = fields.Selection(
        REVIEW_STATES, required=True, default="planned", tracking=True
    )
    agenda = fields.Html(sanitize_style=True)
    kpi_data = fields.Json(string="Figures of the period", readonly=True)
    minutes = fields.Html()
    decisions = fields.Html()
    approved_by_id = fields.Many2one(
        "res.partner", string="Approved by", readonly=True, copy=False
    )
    approved_on = fields.Datetime(readonly=True, copy=False)
    minutes_attachment_id = fields.Many2one(
        "ir.attachment", string="Minutes (PDF)", readonly=True, copy=False
    )
    action_ids = fields.One2many(
        "tma.improvement.action", "review_id", string="Actions decided"
    )

    _sql_constraints = [
        (
            "type_date_uniq",
            "unique(type_id, date_from)",
            "A review type has one review per period.",
        )
    ]

    @api.depends("type_id.name", "date")
    def _compute_name(self):
        for review in self:
            env = review.contract_id._tma_reader_env()
            review.name = env._(
                "%(type)s %(date)s",
                type=review.type_id.name or "",
                date=reader_date(env, review.date),
            )

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for review in self:
            review.access_url = f"/my/tma/reviews/{review.id}"
        return result

    # ------------------------------------------------------------------
    # Scheduling
    # ------------------------------------------------------------------
    @api.model
    def _prepare_review_values(self, review_type, review_date):
        date_from, date_to = review_type._period_of(review_date)
        return {
            "type_id": review_type.id,
            "date": review_date,
            "date_from": date_from,
            "date_to": date_to,
        }

    def _prepare_event_values(self):
        self.ensure_one()
        review_type = self.type_id
        partners = (
            review_type.provider_user_ids.partner_id | review_type.client_partner_ids
        )
        return {
            "name": self.contract_id._tma_reader_env()._(
                "%(review)s - %(contract)s",
                review=self.name,
                contract=self.contract_id.display_name,
            ),
            "start": self.date,
            "stop": self.date + timedelta(hours=review_type.duration_hours or 1.0),
            "location": review_type.location or False,
            "partner_ids": [Command.set(partners.ids)],
            "user_id": (self.contract_id.user_id or self.env.user).id,
            "res_model_id": self.env["ir.model"]._get_id(self._name),
            "res_id": self.id,
        }

    def _schedule_event(self):
        """Create the calendar event of each review that has none (quietly:
        the invitations are sent when the account manager confirms)."""
        Event = self.env["calendar.event"].with_context(
            no_mail_to_attendees=True, mail_create_nolog=True
        )
        for review in self.filtered(lambda r: not r.calendar_event_id):
            review.calendar_event_id = Event.create(review._prepare_event_values())

    @api.model
    def _cron_schedule_reviews(self, batch_size=100):
        """Schedule the next review of every active review type whose next
        date falls within the horizon: the review (with its agenda) and its
        calendar event, then move the type's next date on by its cadence.
        Idempotent (one review per type and period); parallel runs skip the
        types another worker holds; re-armed while types are left."""
        horizon = fields.Datetime.now() + timedelta(days=REVIEW_HORIZON_DAYS)
        candidates = SQL(
            """SELECT t.id FROM tma_review_type t
                 JOIN tma_contract c ON c.id = t.contract_id
                WHERE t.active AND t.next_date <= %s
                  AND c.state IN ('active', 'reversibility')""",
            horizon,
        )
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "%s ORDER BY t.next_date, t.id LIMIT %s FOR UPDATE OF t SKIP LOCKED",
                candidates,
                batch_size,
            )
        )
        types = self.env["tma.review.type"].browse(r[0] for r in self.env.cr.fetchall())
        reviews = self.browse()
        for review_type in types:
            values = self._prepare_review_values(review_type, review_type.next_date)
            review = self.search(
                [
                    ("type_id", "=", review_type.id),
                    ("date_from", "=", values["date_from"]),
                ]
            ) or self.create(values)
            review._schedule_event()
            review._fill_agenda()
            review_type.next_date = review_type.next_date + relativedelta(
                months=review_type.cadence_months
            )
            reviews |= review
        self.env.cr.execute(SQL("SELECT COUNT(*) FROM (%s) AS c", candidates))
        remaining = self.env.cr.fetchone()[0]
        self.env["ir.cron"]._notify_progress(done=len(types), remaining=remaining)
        if remaining and not self.env.context.get("ir_cron_progress_id"):
            self.env.ref("tma_sla.ir_cron_tma_review_schedule")._trigger()
        return reviews

    # ------------------------------------------------------------------
    # Agenda
    # ------------------------------------------------------------------
    def _agenda_values(self):
        """Figures of the period the agenda shows: the service-level KPIs
        (satisfaction included), penalties, the open improvement actions of
        the contract, the preventive work (audits and open findings). An
        inheriting module adds its own."""
        self.ensure_one()
        contract = self.contract_id
        kpis = contract._tma_sla_kpis(self.date_from, self.date_to)
        penalties = self.env["tma.sla.penalty.period"].search(
            [
                ("contract_id", "=", contract.id),
                ("date_from", ">=", self.date_from),
                ("date_to", "<=", self.date_to),
            ]
        )
        actions = self.env["tma.improvement.action"].search(
            [
                ("contract_id", "=", contract.id),
                ("state", "in", ("proposed", "open")),
            ]
        )
        return {
            "review": self,
            "kpis": kpis,
            "penalty_total": sum(penalties.mapped("amount_total")),
            "currency": contract.currency_id,
            "actions": actions,
            "today": fields.Date.context_today(self),
            "preventive": self._get_preventive_agenda_values(),
        }

    def _get_preventive_agenda_values(self):
        """The preventive work of the review's period, from the contract's
        preventive occurrences due in it (one query for the figures, one
        for the findings, whatever the number of occurrences):

        ``due``, ``done``, ``done_late`` (done after the due date),
        ``late`` (still open past the due date), ``skipped``, ``on_time_rate``
        (done on time over the audits whose outcome is known: due ones not
        still open ahead of their date; ``None`` without any) and
        ``findings``, the findings of the contract's audits due by the end
        of the period that were followed by neither an evolutive ticket nor
        an improvement action."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        self.env["tma.preventive.occurrence"].flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT count(*),
                          count(*) FILTER (WHERE state = 'done'),
                          count(*) FILTER (WHERE state = 'done'
                                             AND date_done > due_date),
                          count(*) FILTER (WHERE state = 'open'
                                             AND due_date < %(today)s),
                          count(*) FILTER (WHERE state = 'skipped'),
                          count(*) FILTER (WHERE state = 'open'
                                             AND due_date >= %(today)s)
                     FROM tma_preventive_occurrence
                    WHERE contract_id = %(contract)s
                      AND due_date BETWEEN %(date_from)s AND %(date_to)s""",
                today=today,
                contract=self.contract_id.id,
                date_from=self.date_from,
                date_to=self.date_to,
            )
        )
        due, done, done_late, late, skipped, ahead = self.env.cr.fetchone()
        on_time, settled = done - done_late, due - ahead
        findings = self.env["tma.preventive.finding"].search(
            [
                ("occurrence_id.contract_id", "=", self.contract_id.id),
                ("occurrence_id.due_date", "<=", self.date_to),
                ("evolutive_ticket_id", "=", False),
                ("improvement_action_ids", "=", False),
            ]
        )
        return {
            "due": due,
            "done": done,
            "done_late": done_late,
            "late": late,
            "skipped": skipped,
            "on_time_rate": round(100.0 * on_time / settled, 1) if settled else None,
            "findings": findings,
        }

    def _fill_agenda(self):
        for review in self:
            env = review.contract_id._tma_reader_env()
            values = review.with_env(env)._agenda_values()
            review.write(
                {
                    "kpi_data": values["kpis"],
                    "agenda": env["ir.qweb"]._render(
                        "tma_sla.tma_review_agenda", values
                    ),
                }
            )

    def action_fill_agenda(self):
        if self.filtered(lambda r: r.state == "approved"):
            raise UserError(_("The minutes of this review are approved."))
        self._fill_agenda()
        return True

    # ------------------------------------------------------------------
    # Minutes
    # ------------------------------------------------------------------
    def action_held(self):
        for review in self:
            if review.state != "planned":
                raise UserError(_("Only a planned review can be marked as held."))
        self.state = "held"
        return True

    def action_submit_minutes(self):
        """Send the minutes to the client for approval (email with the PDF,
        page in the portal)."""
        template = self.env.ref("tma_sla.mail_template_tma_review_minutes")
        for review in self:
            if review.state not in ("held", "submitted"):
                raise UserError(
                    _("Mark the review “%(review)s” as held first.", review=review.name)
                )
            if not review.minutes:
                raise UserError(
                    _("Write the minutes of “%(review)s” first.", review=review.name)
                )
            review.state = "submitted"
            review._portal_ensure_token()
            review._render_minutes_pdf()
            review.message_post_with_source(
                template,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                attachment_ids=review.minutes_attachment_id.ids,
            )
        return True

    def _render_minutes_pdf(self):
        """Print the minutes as a PDF kept on the review (sent with the
        email, served by the portal). While a module is installed or updated
        no web server answers wkhtmltopdf: the portal prints the PDF on
        demand instead."""
        if not self.env.registry.ready:
            return
        Report = self.env["ir.actions.report"].sudo()
        for review in self:
            pdf, _fmt = Report._render_qweb_pdf(
                "tma_sla.action_report_tma_review", review.ids
            )
            values = {
                "name": f"{review._get_report_base_filename()}.pdf".replace("/", "-"),
                "raw": pdf,
                "res_model": self._name,
                "res_id": review.id,
            }
            if review.minutes_attachment_id:
                review.minutes_attachment_id.sudo().write(values)
            else:
                review.minutes_attachment_id = (
                    self.env["ir.attachment"].sudo().create(values)
                )

    # ------------------------------------------------------------------
    # The client's approval: a party's act
    # ------------------------------------------------------------------
    def _tma_act_party(self):
        return self.partner_id.commercial_partner_id

    def _tma_act_contract(self):
        return self.contract_id

    def _tma_act_label(self, code):
        return _("approve the minutes of its reviews")

    def write(self, vals):
        if (
            "state" in vals
            and not self._tma_is_act_writer()
            and self.filtered(lambda r: r.state == "approved")
        ):
            self._tma_refuse_act_edit()
        return super().write(vals)

    def _portal_approve(self, partner, on_behalf_reason=None, evidence=None):
        """Approval of the minutes by ``partner``, one of the client's
        contacts, from the portal. Refused when the minutes are not submitted
        (or already approved) and to anyone outside the client.

        The approval is the client's act (``tma.party.act.mixin``): made by
        the current user when it is ``partner``'s, or recorded on the
        client's behalf by a TMA manager with ``on_behalf_reason`` and
        ``evidence`` (an attachment); journaled, immutable."""
        self.ensure_one()
        if self.state == "approved":
            raise UserError(_("These minutes are already approved."))
        if self.state != "submitted":
            raise UserError(_("These minutes are not submitted for approval."))
        act, partner = self._tma_check_contact_act(
            "review_approval",
            partner,
            _("Only the client approves the minutes of a review."),
            on_behalf_reason,
            evidence,
        )
        # The state moves only if nobody approved in between.
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """UPDATE tma_review SET state = 'approved'
                    WHERE id = %s AND state = 'submitted' RETURNING id""",
                self.id,
            )
        )
        if not self.env.cr.fetchone():
            raise UserError(_("These minutes are already approved."))
        self.invalidate_recordset(["state"])
        self._tma_record_act(
            "review_approval",
            {"approved_by_id": partner.id, "approved_on": fields.Datetime.now()},
            **act,
        )
        self.sudo()._render_minutes_pdf()
        self.sudo().message_post(
            body=self._tma_act_reader_env()._(
                "Minutes approved by %(name)s.", name=partner.name
            )
            + " "
            + self._tma_act_receipt(),
            author_id=partner.id,
            subtype_xmlid="mail.mt_note",
        )
        return True

    def action_new_improvement_action(self):
        """A new improvement action decided at this review (form in a dialog)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "tma.improvement.action",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_contract_id": self.contract_id.id,
                "default_review_id": self.id,
                "default_origin": "review",
            },
        }

    def _get_report_base_filename(self):
        self.ensure_one()
        return _("Minutes %(review)s", review=self.name)
