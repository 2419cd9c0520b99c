# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The service review loop of the contract: its review types and reviews,
its improvement actions."""

from dateutil.relativedelta import relativedelta

from odoo import Command, fields, models

from .utils import REVIEW_DEFAULT_CADENCE, REVIEW_KINDS


class TmaContract(models.Model):
    _inherit = "tma.contract"  # pylint: disable=consider-merging-classes-inherited

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
            "tma_sla.tma_review_action", [("contract_id", "=", self.id)], {}
        )

    def action_view_improvement_actions(self):
        self.ensure_one()
        return self._action_open(
            "tma_sla.tma_improvement_action_action",
            [("contract_id", "=", self.id)],
            {"default_contract_id": self.id, "search_default_filter_open": 1},
        )
