# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""18.0.1.3.0: the emails to the client on the provider's letterhead (the
light notification layout, with the company's logo; see
tma_contract/tools/migration.py)."""

from odoo.addons.tma_contract.tools.migration import set_mail_layout


def migrate(cr, version):
    if version:
        set_mail_layout(cr, "tma_contract")
