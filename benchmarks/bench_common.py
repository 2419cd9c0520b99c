# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Helpers shared by the benchmark scripts (they import it from their folder)."""


def copy_tickets(cr, source_ids, total):
    """Insert ``total`` helpdesk tickets by SQL, copies of ``source_ids`` (every
    column but the id); return their ids. Bulk data for benchmarks only: it
    bypasses the ORM."""
    cr.execute(
        """SELECT column_name FROM information_schema.columns
            WHERE table_name = 'helpdesk_ticket' AND column_name != 'id'"""
    )
    columns = ", ".join(f'"{c}"' for (c,) in cr.fetchall())
    cr.execute(
        f"""INSERT INTO helpdesk_ticket ({columns})
            SELECT {columns} FROM helpdesk_ticket t
              JOIN generate_series(1, %s) g ON TRUE
             WHERE t.id IN %s
             LIMIT %s
         RETURNING id""",
        (total // len(source_ids) + 1, tuple(source_ids), total),
    )
    return [r[0] for r in cr.fetchall()]
