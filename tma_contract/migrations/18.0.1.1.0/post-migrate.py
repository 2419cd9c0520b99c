# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""18.0.1.1.0: ledger entries numbered per contract; stages that close without
work done record no units; out-of-scope work has its own product."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    # Number the entries already posted in the order they were posted, and
    # start each contract's counter after its last one.
    cr.execute(
        """
        UPDATE tma_unit_entry e SET sequence_number = n.number
          FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY contract_id ORDER BY id)
                       AS number
                  FROM tma_unit_entry) n
         WHERE e.id = n.id AND e.sequence_number IS NULL
        """
    )
    cr.execute(
        """
        UPDATE tma_contract c SET entry_seq = m.last
          FROM (SELECT contract_id, MAX(sequence_number) AS last
                  FROM tma_unit_entry GROUP BY contract_id) m
         WHERE c.id = m.contract_id
        """
    )
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid in (
        "helpdesk_mgmt.helpdesk_ticket_stage_cancelled",
        "helpdesk_mgmt.helpdesk_ticket_stage_rejected",
    ):
        stage = env.ref(xmlid, raise_if_not_found=False)
        if stage:
            stage.tma_consume_units = False
    product = env.ref("tma_contract.product_tma_out_of_scope", raise_if_not_found=False)
    if product:
        env["res.company"].search(
            [("tma_out_of_scope_product_id", "=", False)]
        ).tma_out_of_scope_product_id = product
