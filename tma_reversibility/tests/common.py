# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.tma_contract.tests.common import TmaCommon


class TmaReversibilityCommon(TmaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.corrective = cls.env.ref("tma_contract.maintenance_type_corrective")
        cls.evolutive = cls.env.ref("tma_contract.maintenance_type_evolutive")
        cls.done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        cls.successor = cls.env["res.partner"].create(
            {"name": "Successor SAS", "is_company": True, "email": "s@example.com"}
        )
        cls.successor_contact = cls.env["res.partner"].create(
            {"name": "Sam Successor", "parent_id": cls.successor.id}
        )
        cls.portal_successor = cls._create_portal_user(
            "portal_successor_t", cls.successor_contact
        )
        # Units are recorded by hand where a test needs them: closing a ticket
        # records none here (the contract holds no book).
        cls.contract = cls._create_contract(
            title="Handover", successor_id=cls.successor.id, consume_on_close=False
        )

    @classmethod
    def _built_package(cls, contract):
        """The package of ``contract`` (in reversibility), built by the cron."""
        Package = cls.env["tma.reversibility.package"]
        Package._request(contract)
        Package._cron_build_packages()
        return Package.search([("contract_id", "=", contract.id)])

    @classmethod
    def _takeons(cls, *titles):
        """An outgoing provider with its portal user (``cls.portal_predecessor``)
        and one contract taken on from it per title, in transition."""
        predecessor = cls.env["res.partner"].create(
            {"name": "Outgoing Provider SA", "is_company": True}
        )
        cls.portal_predecessor = cls._create_portal_user(
            "portal_predecessor_t",
            cls.env["res.partner"].create(
                {"name": "Paul Predecessor", "parent_id": predecessor.id}
            ),
        )
        contracts = cls.env["tma.contract"]
        for title in titles:
            contracts |= cls._create_contract(
                activate=False, title=title, predecessor_id=predecessor.id
            )
        contracts.action_start_transition()
        return contracts

    def _sign_all(self, contract):
        users = {
            "provider": self.manager,
            "client": self.portal_a,
            "successor": self.portal_successor,
        }
        for item in contract.reversibility_item_ids:
            if item.evidence_required and not item.attachment_ids:
                self._attach_evidence(item)
            user = users[item.side]
            if user.share:
                item._sign(user)  # what the portal does for its users
            else:
                item.with_user(user).action_sign()

    def _attach_evidence(self, item):
        item.attachment_ids = self.env["ir.attachment"].create(
            {
                "name": "attestation.txt",
                "raw": b"Data destroyed on the agreed date.",
                "res_model": item._name,
                "res_id": item.id,
            }
        )
