# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The contract's terms over time: its amendments, and what applied on any
date."""

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .utils import AMENDMENT_TERMS, TERMS_LOCKED_STATES

# Only code running in this process can hold this object (a context that
# comes over RPC never does): the paths that change a running contract's
# terms (an amendment applied, a termination notified, a tacit renewal) pass
# it; any other write of those terms on a running contract is refused.
TERMS_SENTINEL = object()


class TmaContract(models.Model):
    """The contract's amendments and terms over time. (A file of its own:
    ``tma_contract.py`` holds enough concepts.)"""

    _inherit = "tma.contract"  # pylint: disable=consider-merging-classes-inherited

    amendment_ids = fields.One2many(
        "tma.contract.amendment", "contract_id", string="Amendments"
    )
    amendment_count = fields.Integer(compute="_compute_amendment_count")
    amendment_pending_count = fields.Integer(
        string="Amendments awaiting approval", compute="_compute_amendment_count"
    )

    @api.depends("amendment_ids.state")
    def _compute_amendment_count(self):
        groups = self.env["tma.contract.amendment"]._read_group(
            [("contract_id", "in", self.ids)], ["contract_id", "state"], ["__count"]
        )
        counts = {}
        for contract, state, count in groups:
            total, pending = counts.get(contract.id, (0, 0))
            counts[contract.id] = (
                total + count,
                pending + (count if state == "to_approve" else 0),
            )
        for contract in self:
            contract.amendment_count, contract.amendment_pending_count = counts.get(
                contract.id, (0, 0)
            )

    # ------------------------------------------------------------------
    # Terms change through amendments
    # ------------------------------------------------------------------
    def _get_locked_term_fields(self):
        """Hook: the commercial terms (fee, volume, end date, scope) that
        change on a running contract only through an amendment."""
        return [name for _flag, names in AMENDMENT_TERMS.values() for name in names]

    def _tma_write_terms(self, vals):
        """Write ``vals``, commercial terms included, on running contracts:
        the path of an applied amendment, a termination notice, a tacit
        renewal. The recurring invoicing follows the new end date."""
        return self.with_context(tma_terms_sentinel=TERMS_SENTINEL).write(vals)

    def _check_terms_by_amendment(self, vals):
        """Refuse a hand edit of a running contract's commercial terms, for
        everybody (administrator and superuser included): they change
        through an amendment the client approves. Data files loading
        (install, update, demo: the registry is not ready yet, which no
        request can fake, unlike a context key) and contracts not running
        yet are free."""
        if (
            self.env.context.get("tma_terms_sentinel") is TERMS_SENTINEL
            or not self.pool.ready
        ):
            return
        locked = [name for name in self._get_locked_term_fields() if name in vals]
        running = self.filtered(lambda c: c.state in TERMS_LOCKED_STATES)
        if not locked or not running:
            return
        raise UserError(
            _(
                "%(field)s is a commercial term of contract %(contract)s, which "
                "is running: it changes only through an amendment approved by "
                "the client (Amendments tab, Draft an amendment).",
                field=self._fields[locked[0]]._description_string(self.env),
                contract=running[0].display_name,
            )
        )

    def write(self, vals):
        if "date_end" not in vals:
            return super().write(vals)
        old_ends = {contract.id: contract.date_end for contract in self}
        result = super().write(vals)
        for contract in self.filtered("recurring_contract_id"):
            if contract.date_end != old_ends[contract.id]:
                contract._sync_recurring_end(old_ends[contract.id])
        return result

    def action_start_transition(self):
        """Take the contract on: the take-on phase before the service starts
        (tma_reversibility adds its checklist)."""
        return self._set_state("transition")

    def _apply_due_amendments(self):
        """Apply, in effective date order, the approved amendments of these
        contracts whose date has come. The caller holds the contracts' rows
        (the cron locks them) or acts on one contract in a user's request."""
        today = fields.Date.context_today(self)
        if not self:
            return True
        # The contract rows first: a concurrent applier (the cron, another
        # approval) waits, then fails to serialize and is replayed.
        self.env.cr.execute(
            SQL(
                "SELECT id FROM tma_contract WHERE id IN %s FOR UPDATE", tuple(self.ids)
            )
        )
        self.sudo().amendment_ids.invalidate_recordset(["state"])
        for contract in self:
            due = contract.sudo().amendment_ids.filtered(
                lambda a: a.state == "approved" and a.date_effective <= today
            )
            for amendment in due.sorted(lambda a: (a.date_effective, a.id)):
                amendment._apply()
        return True

    def _get_term_fields(self):
        terms = self.env["tma.contract.amendment"]._get_amendment_terms()
        return [name for _flag, names in terms.values() for name in names]

    def _get_terms_at(self, date):
        """The contract's terms in force on ``date``: {field: value} over the
        fields amendments change (recordsets for applications and maintenance
        types, dates as dates).

        Starts from the contract's current values, undoes the applied
        amendments effective after ``date`` (newest first, with the values
        each one replaced) and adds the approved amendments effective by
        ``date`` that have not applied yet (future dates). Reports per period
        ask it once per period.
        """
        self.ensure_one()
        Amendment = self.env["tma.contract.amendment"]
        date = fields.Date.to_date(date)
        values = {
            name: Amendment._field_to_json(self, name)
            for name in self._get_term_fields()
        }
        amendments = self.sudo().amendment_ids
        undo = amendments.filtered(
            lambda a: a.state == "applied" and a.date_effective > date
        )
        for amendment in undo.sorted(lambda a: (a.date_effective, a.id), reverse=True):
            values.update(amendment.previous_values or {})
        ahead = amendments.filtered(
            lambda a: a.state == "approved" and a.date_effective <= date
        )
        for amendment in ahead.sorted(lambda a: (a.date_effective, a.id)):
            values.update(amendment._get_new_values())
        return self._terms_from_json(values)

    def _terms_from_json(self, values):
        terms = {}
        for name, value in values.items():
            field = self._fields[name]
            if field.type == "many2many":
                terms[name] = self.env[field.comodel_name].browse(value or [])
            elif field.type == "many2one":
                terms[name] = self.env[field.comodel_name].browse(value or [])
            elif field.type == "date":
                terms[name] = fields.Date.to_date(value) if value else False
            else:
                terms[name] = value
        return terms

    def _tma_export_kpi_rows(self, date_from, date_to):
        """Adds the monthly volume estimate in force each month (amendments
        change it)."""
        rows = super()._tma_export_kpi_rows(date_from, date_to)
        label = _("Monthly volume estimate in force")
        month = date_from.replace(day=1)
        while month <= date_to:
            rows.append((month, label, self._get_terms_at(month)["monthly_volume"]))
            month += relativedelta(months=1)
        return rows

    def action_view_amendments(self):
        self.ensure_one()
        return self._action_open(
            "tma_contract.tma_contract_amendment_action",
            [("contract_id", "=", self.id)],
            {"default_contract_id": self.id},
        )

    def action_new_amendment(self):
        self.ensure_one()
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "res_model": "tma.contract.amendment",
            "view_mode": "form",
            "target": "current",
            "context": {
                "default_contract_id": self.id,
                "default_application_ids": self.application_ids.ids,
                "default_maintenance_type_ids": self.maintenance_type_ids.ids,
                "default_monthly_volume": self.monthly_volume,
                "default_fee_amount": self.fee_amount,
                "default_date_end": self.date_end,
            },
        }
