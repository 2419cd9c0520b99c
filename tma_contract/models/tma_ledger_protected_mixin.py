# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, models
from odoo.exceptions import AccessError

# Only code running in this process can hold this object: a context that comes
# from JSON-RPC never contains it. The ledger engine passes it in the context of
# the writes it makes; any other write to a protected field is refused.
LEDGER_SENTINEL = object()


class TmaLedgerProtectedMixin(models.AbstractModel):
    """Refuse writes to fields only the unit ledger engine may change.

    Inheriting models list those fields in ``_tma_protected_fields``.
    """

    _name = "tma.ledger.protected.mixin"
    _description = "TMA ledger protected fields"

    _tma_protected_fields = ()

    def _tma_engine(self):
        """Return ``self`` with the context that lets the engine write."""
        return self.with_context(tma_ledger_sentinel=LEDGER_SENTINEL)

    def _tma_is_engine(self):
        return self.env.context.get("tma_ledger_sentinel") is LEDGER_SENTINEL

    def _tma_check_protected(self, vals):
        if self._tma_is_engine():
            return
        protected = set(vals) & set(self._tma_protected_fields)
        if protected:
            field_names = ", ".join(
                self._fields[name]._description_string(self.env)
                for name in sorted(protected)
            )
            raise AccessError(
                _(
                    "These fields are maintained by the unit ledger and cannot "
                    "be written directly: %(fields)s",
                    fields=field_names,
                )
            )
