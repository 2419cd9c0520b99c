# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class IrRule(models.Model):
    """Record rules see the current time as ``tma_now``: the third parties'
    rules compare it with the contract's ``*_access_until``. Odoo caches
    each user's rule domains: the hour joins the cache key, and ``tma_now``
    is the start of the current hour (UTC, on the code's clock), so a domain
    stays true for the hour it was computed in. The access ends are hour
    boundaries (``tma.contract._tma_access_end``): comparing with the hour
    that began is exact."""

    _inherit = "ir.rule"

    @api.model
    def _tma_rule_now(self):
        return fields.Datetime.now().replace(minute=0, second=0, microsecond=0)

    @api.model
    def _eval_context(self):
        context = super()._eval_context()
        context["tma_now"] = self._tma_rule_now()
        return context

    def _compute_domain_context_values(self):
        yield from super()._compute_domain_context_values()
        yield self._tma_rule_now()
