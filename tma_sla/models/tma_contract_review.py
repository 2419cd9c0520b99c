# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The service review loop on the contract: satisfaction figures, improvement
actions and periodic reviews (kept apart from ``tma_contract.py``, which holds
the service levels)."""

from dateutil.relativedelta import relativedelta

from odoo import Command, _, fields, models
from odoo.tools import SQL

from .utils import RATING_SATISFIED, REVIEW_DEFAULT_CADENCE, REVIEW_KINDS


class TmaContract(models.Model):
    _inherit = "tma.contract"

    review_type_ids = fields.One2many(
        "tma.review.type", "contract_id", string="Review types"
    )
    review_ids = fields.One2many("tma.review", "contract_id", string="Reviews")
    improvement_action_ids = fields.One2many(
        "tma.improvement.action", "contract_id", string="Improvement actions"
    )
    review_count = fields.Integer(compute="_compute_review_loop_counts")
    improvement_action_count = fields.Integer(
        string="Open improvement actions", compute="_compute_review_loop_counts"
    )

    def _compute_review_loop_counts(self):
        reviews = dict(
            self.env["tma.review"]._read_group(
                [("contract_id", "in", self.ids)], ["contract_id"], ["__count"]
            )
        )
        actions = dict(
            self.env["tma.improvement.action"]._read_group(
                [
                    ("contract_id", "in", self.ids),
                    ("state", "in", ("proposed", "open")),
                ],
                ["contract_id"],
                ["__count"],
            )
        )
        for contract in self:
            contract.review_count = reviews.get(contract, 0)
            contract.improvement_action_count = actions.get(contract, 0)

    # ------------------------------------------------------------------
    # KPIs
    # ------------------------------------------------------------------
    def _tma_sla_kpis(self, date_from, date_to):
        """Add the satisfaction figures (ratings of the contract's tickets)
        and the state of the improvement actions to the period's KPIs:

        - ``satisfaction_rate``: ratings at 4 or more per 100 ratings given
          in the period (None without rating);
        - ``rating_requests``, ``rating_answers`` and ``response_rate``:
          requests sent in the period and how many were answered;
        - ``actions``: improvement actions open, overdue and done in the
          period."""
        kpis = super()._tma_sla_kpis(date_from, date_to)
        start, end = self._tma_period_bounds(date_from, date_to)
        cr = self.env.cr
        cr.execute(
            SQL(
                """SELECT count(*) FILTER (WHERE r.consumed AND r.rating > 0
                                             AND r.write_date >= %(s)s
                                             AND r.write_date < %(e)s),
                          count(*) FILTER (WHERE r.consumed AND r.rating >= %(ok)s
                                             AND r.write_date >= %(s)s
                                             AND r.write_date < %(e)s),
                          count(*) FILTER (WHERE r.create_date >= %(s)s
                                             AND r.create_date < %(e)s),
                          count(*) FILTER (WHERE r.create_date >= %(s)s
                                             AND r.create_date < %(e)s
                                             AND r.consumed AND r.rating > 0)
                     FROM rating_rating r
                     JOIN helpdesk_ticket t ON t.id = r.res_id
                    WHERE r.res_model = 'helpdesk.ticket'
                      AND t.tma_contract_id = %(c)s""",
                s=start,
                e=end,
                ok=RATING_SATISFIED,
                c=self.id,
            )
        )
        rated, satisfied, requests, answers = cr.fetchone()
        kpis.update(
            ratings=rated,
            satisfaction_rate=round(100.0 * satisfied / rated, 1) if rated else None,
            rating_requests=requests,
            rating_answers=answers,
            response_rate=round(100.0 * answers / requests, 1) if requests else None,
        )
        cr.execute(
            SQL(
                """SELECT count(*) FILTER (WHERE state IN ('proposed', 'open')
                                             AND create_date < %(e)s),
                          count(*) FILTER (WHERE state IN ('proposed', 'open')
                                             AND date_due < %(d)s),
                          count(*) FILTER (WHERE state = 'done'
                                             AND date_done >= %(df)s
                                             AND date_done <= %(d)s)
                     FROM tma_improvement_action WHERE contract_id = %(c)s""",
                e=end,
                d=date_to,
                df=date_from,
                c=self.id,
            )
        )
        open_count, overdue, done = cr.fetchone()
        kpis["actions"] = {"open": open_count, "overdue": overdue, "done": done}
        return kpis

    def _tma_export_kpi_rows(self, date_from, date_to):
        """Add the monthly satisfaction % and response rate to the exported
        indicators."""
        rows = super()._tma_export_kpi_rows(date_from, date_to)
        month = date_from.replace(day=1)
        while month <= date_to:
            end = min(month + relativedelta(months=1, days=-1), date_to)
            kpis = self._tma_sla_kpis(max(month, date_from), end)
            if kpis["satisfaction_rate"] is not None:
                rows.append(
                    (month, _("Satisfied clients (%)"), kpis["satisfaction_rate"])
                )
            if kpis["response_rate"] is not None:
                rows.append(
                    (month, _("Rating response rate (%)"), kpis["response_rate"])
                )
            month += relativedelta(months=1)
        return rows

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_tma_setup_reviews(self):
        """Create the contract's operational (monthly) and steering
        (quarterly) review types that it does not have yet, the account
        manager and the client attending, first reviews next month."""
        first = fields.Datetime.now().replace(
            day=1, hour=9, minute=0, second=0, microsecond=0
        ) + relativedelta(months=1, days=7)
        labels = dict(REVIEW_KINDS)
        Type = self.env["tma.review.type"]
        for contract in self:
            kinds = set(contract.review_type_ids.mapped("kind"))
            for kind, _label in REVIEW_KINDS:
                if kind in kinds:
                    continue
                Type.create(
                    {
                        "name": labels[kind],
                        "contract_id": contract.id,
                        "kind": kind,
                        "cadence_months": REVIEW_DEFAULT_CADENCE[kind],
                        "next_date": first,
                        "provider_user_ids": [Command.set(contract.user_id.ids)],
                        "client_partner_ids": [
                            Command.set(contract.partner_id.child_ids[:3].ids)
                        ],
                    }
                )
        return True

    def action_view_reviews(self):
        self.ensure_one()
        return self._action_open(
            "tma_sla.action_tma_review", [("contract_id", "=", self.id)], {}
        )

    def action_view_improvement_actions(self):
        self.ensure_one()
        return self._action_open(
            "tma_sla.action_tma_improvement_action",
            [("contract_id", "=", self.id)],
            {"default_contract_id": self.id, "search_default_filter_open": 1},
        )
