# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "TMA Helpdesk SLA bridge",
    "summary": "Portal clients of the TMA suite read only their own tickets' "
    "OCA helpdesk_mgmt_sla rows",
    "version": "18.0.1.0.0",
    "license": "AGPL-3",
    "category": "After-Sales",
    "author": "TMA for Odoo",
    "website": "https://github.com/tma-for-odoo/tma",
    "depends": ["tma_contract", "helpdesk_mgmt_sla"],
    "data": ["security/helpdesk_ticket_sla_security.xml"],
    "installable": True,
    "auto_install": True,
    "application": False,
}
