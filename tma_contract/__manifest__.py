# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "TMA Contracts",
    "summary": "Third-party application maintenance contracts on the OCA "
    "helpdesk: fixed price, prepaid unit books and capped time and materials",
    "version": "18.0.1.0.0",
    "license": "AGPL-3",
    "category": "After-Sales",
    "author": "TMA for Odoo",
    "website": "https://github.com/tma-for-odoo/tma",
    "depends": [
        "helpdesk_mgmt",
        "helpdesk_mgmt_timesheet",
        "sale_management",
        "contract",
    ],
    "data": [
        "security/tma_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "data/tma_data.xml",
        "data/product_data.xml",
        "data/mail_template_data.xml",
        "data/ir_cron_data.xml",
        "views/tma_application_views.xml",
        "views/tma_config_views.xml",
        "views/tma_unit_entry_views.xml",
        "views/tma_unit_book_views.xml",
        "views/tma_contract_views.xml",
        "views/helpdesk_ticket_views.xml",
        "views/product_template_views.xml",
        "views/sale_order_views.xml",
        "views/res_config_settings_views.xml",
        "views/tma_menus.xml",
        "views/portal_templates.xml",
        "wizards/tma_unit_adjustment_views.xml",
        "wizards/tma_contract_terminate_views.xml",
        "wizards/tma_entry_reverse_views.xml",
    ],
    "demo": ["demo/tma_demo.xml"],
    "assets": {
        "web.assets_tests": [
            "tma_contract/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    "application": False,
}
