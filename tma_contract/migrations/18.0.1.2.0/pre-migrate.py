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

from odoo.tools import SQL

OLD_MODULE = "tma_reversibility"
NEW_MODULE = "tma_contract"

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
MOVED = RECORDS + DEMO
# XML ids Odoo gives the model itself, its fields, their selection values and
# its parents (portal.mixin, mail.thread, mail.activity.mixin).
MOVED_PATTERNS = (
    "model_tma_document",
    "field\\_tma\\_document\\_\\_%",
    "selection\\_\\_tma\\_document\\_\\_%",
    "model\\_inherit\\_\\_tma\\_document\\_\\_%",
)


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
            new=NEW_MODULE,
            old=OLD_MODULE,
            names=MOVED,
            patterns=list(MOVED_PATTERNS),
        )
    )
    return cr.rowcount


def migrate(cr, version):
    if not version:
        return
    move_register_xmlids(cr)
