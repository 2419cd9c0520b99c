# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""18.0.1.2.0: the documentation register (``tma.document``) moved from
tma_reversibility to tma_contract. Its table and rows stay as they are; the
XML ids of the model, its fields, views, action, menu, access rights, record
rules, cron and demo documents pass to tma_contract before tma_contract loads
its data, so that the update finds them (no second cron or rule is created
from the ``noupdate`` files) and the update of tma_reversibility, which no
longer declares them, does not delete them as obsolete. The same SQL as
openupgradelib's ``rename_xmlids`` across modules, without the dependency.
tma_contract loads before tma_reversibility (which depends on it): its
pre-migration runs first, whatever order ``-u`` names them in."""

from odoo.addons.tma_contract.tools.migration import (
    ACTION_RENAMES,
    REGISTER_NEW_MODULE,
    move_register_xmlids,
    rename_xmlids,
)


def migrate(cr, version):
    if not version:
        return
    move_register_xmlids(cr)
    # The window actions named one way across the addons (<model>_action).
    rename_xmlids(cr, REGISTER_NEW_MODULE, ACTION_RENAMES[REGISTER_NEW_MODULE])
