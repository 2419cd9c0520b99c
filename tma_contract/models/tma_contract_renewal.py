# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""How a contract ends or goes on: termination with its notice period, and
tacit renewal."""

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .utils import reader_date


class TmaContract(models.Model):
    """Termination and tacit renewal of the contract. (A file of its own:
    ``tma_contract.py`` holds enough concepts.)"""

    _inherit = "tma.contract"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Termination
    # ------------------------------------------------------------------
    @api.constrains("termination_notice_date", "termination_date")
    def _check_termination_dates(self):
        for contract in self:
            if contract.termination_date and not contract.termination_notice_date:
                raise ValidationError(
                    _("A termination date needs the date notice was given.")
                )
            if contract.termination_date:
                contract._raise_if_early_termination(
                    contract.termination_notice_date, contract.termination_date
                )

    def _raise_if_early_termination(self, notice_date, termination_date):
        """Refuse an effective date that does not respect the notice period."""
        self.ensure_one()
        earliest = self._get_earliest_termination_date(notice_date)
        if termination_date < earliest:
            raise ValidationError(
                _(
                    "With a notice period of %(days)s days, notice given on "
                    "%(notice)s ends the contract on %(earliest)s at the earliest.",
                    days=self.notice_period_days,
                    notice=notice_date,
                    earliest=earliest,
                )
            )

    def _get_earliest_termination_date(self, notice_date):
        self.ensure_one()
        return notice_date + relativedelta(days=self.notice_period_days)

    def action_terminate(self):
        self.ensure_one()
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "res_model": "tma.contract.terminate",
            "view_mode": "form",
            "target": "new",
            "context": {"default_contract_id": self.id},
        }

    def _terminate(self, reason, notice_date, termination_date=None):
        """Record a termination notice; the contract ends at the effective date."""
        self.ensure_one()
        if not self.env.su and not self.env.user.has_group(
            "tma_contract.group_tma_manager"
        ):
            raise UserError(_("Only TMA managers can terminate a contract."))
        if self.state not in ("active", "reversibility"):
            raise UserError(_("Only a running contract can be terminated."))
        if not reason:
            raise UserError(_("Give a reason for the termination."))
        termination_date = termination_date or self._get_earliest_termination_date(
            notice_date
        )
        # Checked before writing, so a refusal leaves the contract untouched.
        self._raise_if_early_termination(notice_date, termination_date)
        # A termination notice is the contract's own clause, not an
        # amendment: it may move a running contract's end date.
        self._tma_write_terms(
            {
                "termination_reason": reason,
                "termination_notice_date": notice_date,
                "termination_date": termination_date,
                "date_end": termination_date,
                "tacit_renewal": False,
            }
        )
        env = self._tma_reader_env()
        self.message_post(
            body=env._(
                "Termination notified on %(notice)s, effective on %(date)s: %(reason)s",
                notice=reader_date(env, notice_date),
                date=reader_date(env, termination_date),
                reason=reason,
            )
        )
        return True

    # ------------------------------------------------------------------
    # Renewal
    # ------------------------------------------------------------------
    @api.model
    def _cron_renew_contracts(self, batch_size=200):
        """Apply tacit renewal to contracts whose end date has passed.

        Idempotent: a contract is extended only while its end date is past,
        and a renewal activity is scheduled once per term.
        """
        today = fields.Date.context_today(self)
        contracts = self.search(
            [
                ("state", "=", "active"),
                ("tacit_renewal", "=", True),
                ("date_end", "!=", False),
                ("date_end", "<", today),
            ],
            limit=batch_size,
        )
        for contract in contracts:
            if contract.auto_renew:
                new_end = contract.date_end
                while new_end < today:
                    new_end += relativedelta(months=contract.renewal_period)
                contract._tma_write_terms({"date_end": new_end})
                env = contract._tma_reader_env()
                contract.message_post(
                    body=env._(
                        "Contract renewed tacitly until %(date)s.",
                        date=reader_date(env, new_end),
                    )
                )
            elif not contract.activity_ids.filtered(
                lambda a: a.summary == _("Renewal decision")
            ):
                contract.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=_("Renewal decision"),
                    note=_("The contract reached its end date: renew or close it."),
                    user_id=(contract.user_id or self.env.user).id,
                )
        return True
