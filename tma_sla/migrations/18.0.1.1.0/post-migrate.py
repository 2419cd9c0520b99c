# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Timers now keep the support level they were qualified at. Existing timers
keep the target they count on: those on a level's own target get that level,
the others stay on the general target (no level).

Tickets now count their staff responses (first-contact resolution): existing
tickets get the count of their public messages from staff, as the message hook
counts them."""

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
    cr.execute(
        SQL(
            """UPDATE helpdesk_ticket t
                  SET tma_staff_response_count = c.n
                 FROM (SELECT m.res_id, count(*) AS n
                         FROM mail_message m
                         JOIN ir_model_data d
                           ON d.module = 'mail' AND d.name = 'mt_comment'
                          AND d.model = 'mail.message.subtype'
                          AND d.res_id = m.subtype_id
                        WHERE m.model = 'helpdesk.ticket'
                          AND m.message_type IN ('comment', 'email')
                          AND EXISTS (
                            SELECT 1 FROM res_users u
                             WHERE u.partner_id = m.author_id
                               AND u.share IS NOT TRUE)
                        GROUP BY m.res_id) c
                WHERE c.res_id = t.id"""
        )
    )
