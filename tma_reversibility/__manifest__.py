# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "TMA Reversibility",
    "summary": "End-of-contract handover and take-on checklists, the "
    "open-incident gate and the reversibility package",
    "version": "18.0.1.3.0",
    "license": "AGPL-3",
    "category": "After-Sales",
    "author": "TMA for Odoo",
    "website": "https://github.com/tma-for-odoo/tma",
    "depends": ["tma_contract"],
    "external_dependencies": {"python": ["xlsxwriter"]},
    "data": [
        "security/ir.model.access.csv",
        "security/tma_reversibility_security.xml",
        "data/tma_reversibility_data.xml",
        "data/ir_cron_data.xml",
        "report/tma_reversibility_report.xml",
        "views/tma_reversibility_views.xml",
        "views/tma_contract_views.xml",
        "views/tma_reversibility_menus.xml",
        "views/portal_templates.xml",
        "security/tma_takeon_security.xml",
        "data/tma_takeon_data.xml",
        "views/tma_takeon_views.xml",
        "views/tma_takeon_portal_templates.xml",
        "wizards/tma_takeon_import_views.xml",
    ],
    "demo": ["demo/tma_reversibility_demo.xml", "demo/tma_takeon_demo.xml"],
    "installable": True,
    "application": False,
}
