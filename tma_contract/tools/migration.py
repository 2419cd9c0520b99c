# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Helpers of the suite's migration scripts: plain SQL on ``ir_model_data``,
as openupgradelib's ``rename_xmlids`` does, without the dependency."""

from odoo.tools import SQL

# 18.0.1.2.0: the documentation register (tma.document) moved from
# tma_reversibility to tma_contract.
REGISTER_OLD_MODULE = "tma_reversibility"
REGISTER_NEW_MODULE = "tma_contract"

# XML ids of the register's own records.
RECORDS = (
    # Fields of the contract that belong to the register.
    "field_tma_contract__document_count",
    "field_tma_contract__document_ids",
    "field_tma_contract__file_intervention_reports",
    # Views, action and menu.
    "tma_document_view_form",
    "tma_document_view_list",
    "tma_document_view_search",
    "action_tma_document",
    "tma_document_menu",
    # Access rights and record rules.
    "access_tma_document_internal",
    "access_tma_document_user",
    "access_tma_document_manager",
    "access_tma_document_portal",
    "tma_document_comp_rule",
    "tma_document_portal_rule",
    # The review cron and the server action Odoo created for it (_inherits).
    "ir_cron_tma_document_reviews",
    "ir_cron_tma_document_reviews_ir_actions_server",
)
# Demo documents (a database with demo data).
DEMO = (
    "document_beta_source",
    "document_beta_architecture",
    "document_beta_runbook",
    "document_beta_inventory",
    "document_gamma_runbook",
    "document_gamma_test",
)
REGISTER_MOVED = RECORDS + DEMO
# XML ids Odoo gives the model itself, its fields, their selection values and
# its parents (portal.mixin, mail.thread, mail.activity.mixin).
REGISTER_MOVED_PATTERNS = (
    "model_tma_document",
    "field\\_tma\\_document\\_\\_%",
    "selection\\_\\_tma\\_document\\_\\_%",
    "model\\_inherit\\_\\_tma\\_document\\_\\_%",
)


# The window actions' XML ids, named one way across the addons since
# 18.0.1.2.0 (tma_contract, tma_sla) and 18.0.1.3.0 (tma_reversibility):
# ``<model>_action``, as their views are ``<model>_view_<type>``.
ACTION_RENAMES = {
    "tma_contract": {"action_tma_document": "tma_document_action"},
    "tma_reversibility": {
        "action_tma_reversibility_package": "tma_reversibility_package_action",
        "action_tma_reversibility_template": "tma_reversibility_template_action",
        "action_tma_takeon_template": "tma_takeon_template_action",
    },
    "tma_sla": {
        "action_tma_improvement_action": "tma_improvement_action_action",
        "action_tma_intervention_report": "tma_intervention_report_action",
        "action_tma_review": "tma_review_action",
        "action_tma_review_type": "tma_review_type_action",
        "action_tma_satisfaction_survey": "tma_satisfaction_survey_action",
        "action_tma_sla_escalation": "tma_sla_escalation_action",
        "action_tma_sla_penalty_period": "tma_sla_penalty_period_action",
        "action_tma_sla_service_report": "tma_sla_service_report_action",
        "action_tma_sla_timer": "tma_sla_timer_action",
    },
}


def rename_xmlids(cr, module, renames):
    """Rename the XML ids ``module.<old>`` to ``module.<new>`` for each
    ``old: new`` of ``renames``, before the module's data loads: the update
    then finds its records under their new names (kept, not deleted as
    obsolete and created again, so what points to them stays). A new name
    the module already holds is left alone. Returns the number renamed."""
    renamed = 0
    for old, new in renames.items():
        cr.execute(
            SQL(
                """UPDATE ir_model_data d SET name = %(new)s
                    WHERE d.module = %(module)s AND d.name = %(old)s
                      AND NOT EXISTS (
                          SELECT 1 FROM ir_model_data o
                           WHERE o.module = %(module)s AND o.name = %(new)s)""",
                module=module,
                old=old,
                new=new,
            )
        )
        renamed += cr.rowcount
    return renamed


def move_register_xmlids(cr):
    """Pass the register's XML ids from tma_reversibility to tma_contract;
    an id tma_contract already holds is left alone (nothing is duplicated).
    Returns the number of XML ids moved."""
    cr.execute(
        SQL(
            """
            UPDATE ir_model_data d
               SET module = %(new)s
             WHERE d.module = %(old)s
               AND (d.name IN %(names)s OR d.name LIKE ANY(%(patterns)s))
               AND NOT EXISTS (
                   SELECT 1 FROM ir_model_data o
                    WHERE o.module = %(new)s AND o.name = d.name
               )
            """,
            new=REGISTER_NEW_MODULE,
            old=REGISTER_OLD_MODULE,
            names=REGISTER_MOVED,
            patterns=list(REGISTER_MOVED_PATTERNS),
        )
    )
    return cr.rowcount


# 18.0.1.3.0 (tma_contract, tma_sla): the emails to the client are wrapped in
# Odoo's light notification layout, which shows the provider's logo. The
# templates are noupdate data: an upgrade does not rewrite them.
MAIL_LAYOUT = "mail.mail_notification_light"
MAIL_TEMPLATES = {
    "tma_contract": ("mail_template_low_balance",),
    "tma_sla": (
        "mail_template_tma_sla_breach",
        "mail_template_tma_sla_service_report",
        "mail_template_tma_review_minutes",
        "mail_template_tma_intervention_report",
        "mail_template_tma_blocking_notice",
        "mail_template_tma_satisfaction_survey",
    ),
}


def set_mail_layout(cr, module):
    """Give the module's client emails the light layout, unless a template
    has a layout of its own already. Returns the number of templates set."""
    cr.execute(
        SQL(
            """
            UPDATE mail_template t
               SET email_layout_xmlid = %(layout)s
              FROM ir_model_data d
             WHERE d.model = 'mail.template' AND d.res_id = t.id
               AND d.module = %(module)s AND d.name IN %(names)s
               AND COALESCE(t.email_layout_xmlid, '') = ''
            """,
            layout=MAIL_LAYOUT,
            module=module,
            names=MAIL_TEMPLATES[module],
        )
    )
    return cr.rowcount
