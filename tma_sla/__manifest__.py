# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "TMA Service Levels",
    "summary": "SLA policies on TMA contracts: business-hours timers with pauses, "
    "breaches, L1/L2/L3 escalation, penalties, KPIs and monthly service reports",
    "version": "18.0.1.1.0",
    "license": "AGPL-3",
    "category": "After-Sales",
    "author": "TMA for Odoo",
    "website": "https://github.com/tma-for-odoo/tma",
    "depends": ["tma_contract", "resource"],
    "external_dependencies": {"python": ["xlsxwriter"]},
    "data": [
        "security/tma_sla_security.xml",
        "security/ir.model.access.csv",
        "data/resource_calendar_data.xml",
        "data/tma_sla_data.xml",
        "data/product_data.xml",
        "data/mail_template_data.xml",
        "data/ir_cron_data.xml",
        "report/tma_sla_report_templates.xml",
        "views/tma_sla_policy_views.xml",
        "views/tma_sla_timer_views.xml",
        "views/tma_sla_escalation_views.xml",
        "views/tma_sla_penalty_views.xml",
        "views/tma_sla_service_report_views.xml",
        "views/tma_contract_views.xml",
        "views/helpdesk_ticket_views.xml",
        "views/res_config_settings_views.xml",
        "views/tma_sla_menus.xml",
        "views/portal_templates.xml",
        "wizards/tma_sla_escalate_views.xml",
        "views/tma_contract_amendment_views.xml",
    ],
    "demo": ["demo/tma_sla_demo.xml"],
    "assets": {
        "web.assets_tests": [
            "tma_sla/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    "application": False,
}
