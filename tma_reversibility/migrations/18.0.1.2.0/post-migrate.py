# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Third parties' access ends with their phase and a grace period: the
portal rules of the checklists, ``noupdate``, get their new domains here (an
update does not rewrite them), and the contracts closed before the closing
day was recorded get the day of their last change as their closing day."""

from odoo import SUPERUSER_ID, api

RULES = {
    "tma_reversibility_item_portal_rule": (
        "['|', ('partner_id', '=', user.commercial_partner_id.id), '&', "
        "('contract_id.successor_id', '=', user.commercial_partner_id.id), '|', "
        "('contract_id.successor_access_until', '=', False), "
        "('contract_id.successor_access_until', '>', tma_now)]"
    ),
    "tma_takeon_item_portal_rule": (
        "['|', ('partner_id', '=', user.commercial_partner_id.id), '&', "
        "('predecessor_id', '=', user.commercial_partner_id.id), '|', "
        "('contract_id.outgoing_access_until', '=', False), "
        "('contract_id.outgoing_access_until', '>', tma_now)]"
    ),
}


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid, domain in RULES.items():
        rule = env.ref(f"tma_reversibility.{xmlid}", raise_if_not_found=False)
        if rule:
            rule.domain_force = domain
    closed = env["tma.contract"].search(
        [("state", "=", "closed"), ("closed_date", "=", False)]
    )
    for contract in closed:
        contract.closed_date = contract.write_date.date()
