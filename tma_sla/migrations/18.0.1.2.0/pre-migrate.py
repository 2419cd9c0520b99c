# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""18.0.1.2.0: tma_sla's window actions renamed <model>_action in place (see
tma_contract/tools/migration.py)."""

from odoo.addons.tma_contract.tools.migration import ACTION_RENAMES, rename_xmlids


def migrate(cr, version):
    if version:
        rename_xmlids(cr, "tma_sla", ACTION_RENAMES["tma_sla"])
