# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


# A second extension of the ticket in this addon, on purpose: the preventive
# part of the ticket is one concept, kept out of helpdesk_ticket.py.
class HelpdeskTicket(models.Model):
    """Preventive maintenance on the ticket: the occurrence of a plan line it
    carries out, its checklist and its findings. (A file of its own beside
    ``helpdesk_ticket.py``: the preventive part of the ticket is one concept.)
    """

    _inherit = "helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited

    tma_preventive_occurrence_id = fields.Many2one(
        "tma.preventive.occurrence",
        string="Preventive occurrence",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    tma_preventive_plan_id = fields.Many2one(
        related="tma_preventive_occurrence_id.plan_id", string="Preventive plan"
    )
    tma_preventive_due_date = fields.Date(
        related="tma_preventive_occurrence_id.due_date", string="Due date"
    )
    tma_preventive_report = fields.Html(
        related="tma_preventive_occurrence_id.report",
        string="Audit report",
        readonly=False,
    )
    tma_check_ids = fields.One2many("tma.preventive.check", "ticket_id", "Checklist")
    tma_finding_ids = fields.One2many("tma.preventive.finding", "ticket_id", "Findings")
    tma_checks_pending = fields.Integer(
        string="Checks to do", compute="_compute_tma_checks_pending"
    )

    @api.depends("tma_check_ids.done")
    def _compute_tma_checks_pending(self):
        groups = self.env["tma.preventive.check"]._read_group(
            [("ticket_id", "in", self.ids), ("done", "=", False)],
            ["ticket_id"],
            ["__count"],
        )
        pending = {ticket.id: count for ticket, count in groups}
        for ticket in self:
            ticket.tma_checks_pending = pending.get(ticket.id, 0)

    # ------------------------------------------------------------------
    # Closing and reopening
    # ------------------------------------------------------------------
    def _tma_on_close(self, already_closed):
        """A preventive ticket closed in a stage that records units is done:
        its checklist must be (checked after the write, which may tick checks
        along with the stage: the form saves both at once), then its units
        are recorded and its occurrence is done. Closed in another stage
        (cancelled), its occurrence is skipped."""
        preventive = self.filtered("tma_preventive_occurrence_id")
        done = preventive.filtered("stage_id.tma_consume_units")
        done._tma_check_checklist_done()
        result = super()._tma_on_close(already_closed)
        done.tma_preventive_occurrence_id.sudo()._mark_done()
        (preventive - done).tma_preventive_occurrence_id.sudo()._mark_skipped()
        return result

    def _tma_on_reopen(self):
        """A reopened preventive ticket opens its occurrence again."""
        result = super()._tma_on_reopen()
        self.tma_preventive_occurrence_id.sudo().filtered(
            lambda o: o.state != "open"
        ).write({"state": "open", "date_done": False, "on_time": False})
        return result

    def _tma_check_checklist_done(self):
        """Refuse to close a preventive ticket whose checklist is not done.

        :raise UserError: in the user's language
        """
        groups = self.env["tma.preventive.check"]._read_group(
            [("ticket_id", "in", self.ids), ("done", "=", False)],
            ["ticket_id"],
            ["__count"],
        )
        for ticket, count in groups:
            raise UserError(
                _(
                    "Ticket %(ticket)s cannot be closed: %(count)s checks "
                    "of its preventive checklist are not done.",
                    ticket=ticket.display_name,
                    count=count,
                )
            )

    # ------------------------------------------------------------------
    # Valuation
    # ------------------------------------------------------------------
    def _tma_get_valuation(self):
        """A preventive ticket is worth its plan line's estimated units when
        the contract consumes preventive work from the units, none when the
        fixed fee includes it."""
        if not self.tma_preventive_occurrence_id:
            return super()._tma_get_valuation()
        if self.tma_contract_id.preventive_units_policy == "included":
            return 0.0
        return self.tma_preventive_occurrence_id.plan_id.estimated_units

    # ------------------------------------------------------------------
    # Numbering in batches
    # ------------------------------------------------------------------
    @api.model
    def _tma_reserve_numbers(self, count, company=None):
        """``count`` ticket numbers drawn from the helpdesk sequence in one
        query (a PostgreSQL sequence gives them in one ``nextval`` over a
        series), for creating many tickets at once. Sequences that number
        without gaps or by date ranges are drawn one by one."""
        Sequence = self.env["ir.sequence"].sudo()
        if company:
            Sequence = Sequence.with_company(company)
        sequence = Sequence.search(
            [
                ("code", "=", "helpdesk.ticket.sequence"),
                ("company_id", "in", [Sequence.env.company.id, False]),
            ],
            order="company_id",
            limit=1,
        )
        if not count or not sequence:
            return [None] * count
        if sequence.implementation != "standard" or sequence.use_date_range:
            return [sequence._next() for _i in range(count)]
        self.env.cr.execute(
            SQL(
                "SELECT nextval(%s) FROM generate_series(1, %s)",
                f"ir_sequence_{sequence.id:03d}",
                count,
            )
        )
        return [sequence.get_next_char(row[0]) for row in self.env.cr.fetchall()]

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_tma_check_all(self):
        """Tick every check of the ticket's checklist."""
        self.check_access("write")
        self.tma_check_ids.filtered(lambda c: not c.done).write({"done": True})
        return True
