# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Timers now keep the support level they were qualified at. Existing timers
keep the target they count on: those on a level's own target get that level,
the others stay on the general target (no level)."""

from odoo.tools import SQL


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        SQL(
            """UPDATE tma_sla_timer t
                  SET support_level_id = g.support_level_id
                 FROM tma_sla_target g
                WHERE g.id = t.target_id
                  AND g.support_level_id IS NOT NULL
                  AND t.support_level_id IS NULL"""
        )
    )
