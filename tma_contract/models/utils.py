# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Small helpers the suite's addons share."""

from odoo.tools import SQL


def sql_translated(env, column):
    """SQL of a translated field's ``column`` in ``env``'s language (English
    when it has no translation)."""
    return SQL("COALESCE(%s->>%s, %s->>'en_US')", column, env.lang or "en_US", column)


def sql_selection(env, model, field, column):
    """SQL of the label, in ``env``'s language, of the selection ``field`` of
    ``model`` stored in ``column``."""
    labels = env[model]._fields[field]._description_selection(env)
    if not labels:
        return column
    return SQL(
        "CASE %s %s ELSE %s END",
        column,
        SQL(" ").join(SQL("WHEN %s THEN %s", value, label) for value, label in labels),
        column,
    )
