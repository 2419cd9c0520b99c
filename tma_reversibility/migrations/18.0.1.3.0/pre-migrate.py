# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""18.0.1.3.0: the window actions' XML ids named one way across the addons
(``<model>_action``, as the views are ``<model>_view_<type>``), renamed
before the data loads so that the actions, and the menus and buttons pointing
to them, are kept rather than deleted and created again."""

from odoo.addons.tma_contract.tools.migration import ACTION_RENAMES, rename_xmlids


def migrate(cr, version):
    if not version:
        return
    rename_xmlids(cr, "tma_reversibility", ACTION_RENAMES["tma_reversibility"])
