# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The shipped handover checklist said "Documentation delivered and accepted"
for the provider to sign, though acceptance is the client's; its items now
say who signs them. The template is ``noupdate``, so an update does not
rewrite it: the items nobody has edited since 18.0.1.0.0 are removed here, and
the update creates them again from the data file with the new wording (and
its translations); items edited by users stay as they are. Checklists already
instantiated on contracts are copies and are left alone."""

from odoo.tools import SQL

# xmlid: (name, description, side) as shipped in 18.0.1.0.0
SHIPPED_1_0 = {
    "tma_reversibility_template_line_doc": (
        "Documentation delivered and accepted",
        "The register is complete and current; the client accepts it.",
        "provider",
    ),
    "tma_reversibility_template_line_inventory": (
        "Environment and access inventory handed over",
        "Servers, repositories, accounts and secrets listed and handed over.",
        "provider",
    ),
    "tma_reversibility_template_line_kt": (
        "Knowledge-transfer sessions held with the successor",
        "Dates and attendees recorded as evidence.",
        "successor",
    ),
    "tma_reversibility_template_line_overlap": (
        "Overlap period with the successor completed",
        None,
        "successor",
    ),
    "tma_reversibility_template_line_tickets": (
        "Open tickets processed",
        "Incidents closed; evolutions closed, cancelled or transferred.",
        "provider",
    ),
    "tma_reversibility_template_line_report": (
        "Final service report delivered",
        None,
        "provider",
    ),
    "tma_reversibility_template_line_data": (
        "Data returned or destroyed, with an attestation",
        "Attach the attestation.",
        "provider",
    ),
}


def migrate(cr, version):
    if not version:
        return
    for xmlid, (name, description, side) in SHIPPED_1_0.items():
        cr.execute(
            SQL(
                """DELETE FROM tma_reversibility_template_line l
                    USING ir_model_data d
                    WHERE d.module = 'tma_reversibility' AND d.name = %s
                      AND d.model = 'tma.reversibility.template.line'
                      AND l.id = d.res_id
                      AND l.name->>'en_US' = %s
                      AND l.description->>'en_US' IS NOT DISTINCT FROM %s
                      AND l.side = %s
                RETURNING d.id""",
                xmlid,
                name,
                description,
                side,
            )
        )
        cr.execute(
            SQL(
                "DELETE FROM ir_model_data WHERE id IN %s",
                tuple(row[0] for row in cr.fetchall()) or (0,),
            )
        )
