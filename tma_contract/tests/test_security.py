# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .common import TmaCommon, call_kw


@tagged("post_install", "-at_install")
class TestRecordRules(TmaCommon):
    def test_portal_user_reads_only_its_clients_contracts(self):
        contract_a = self._create_contract()
        contract_b = self._create_contract(partner=self.client_b)
        self._add_book(contract_b, 5)
        Contract = self.env["tma.contract"].with_user(self.portal_a)
        self.assertEqual(Contract.search([]), contract_a)
        with self.assertRaises(AccessError):
            contract_b.with_user(self.portal_a).read(["balance"])
        with self.assertRaises(AccessError):
            contract_b.book_ids.with_user(self.portal_a).read(["units"])
        self.assertFalse(
            self.env["tma.unit.entry"]
            .with_user(self.portal_a)
            .search([("contract_id", "=", contract_b.id)])
        )

    def test_portal_user_cannot_write_contracts(self):
        contract_a = self._create_contract()
        with self.assertRaises(AccessError):
            contract_a.with_user(self.portal_a).write({"title": "Hacked"})

    def test_engineer_cannot_adjust_or_delete(self):
        contract = self._create_contract()
        with self.assertRaises(AccessError):
            contract.with_user(self.engineer).unlink()


@tagged("post_install", "-at_install")
class TestLedgerRpc(HttpCase, TmaCommon):
    """The ledger's protected fields are refused over JSON-RPC, even to managers."""

    def test_rpc_writes_on_the_ledger_are_refused(self):
        contract = self._create_contract()
        self._add_book(contract, 10)
        entry = contract.entry_ids
        book = contract.book_ids
        self.authenticate(self.manager.login, self.manager.login)
        attempts = [
            ("tma.unit.entry", "write", [entry.ids, {"units": 500}]),
            ("tma.unit.entry", "unlink", [entry.ids]),
            (
                "tma.unit.entry",
                "create",
                [{"contract_id": contract.id, "entry_type": "credit", "units": 500}],
            ),
            (
                "tma.unit.entry",
                "create",
                [
                    {
                        "contract_id": contract.id,
                        "entry_type": "credit",
                        "units": 500,
                    }
                ],
                {"context": {"tma_ledger_sentinel": True}},
            ),
            ("tma.contract", "write", [contract.ids, {"balance": 500}]),
            ("tma.unit.book", "write", [book.ids, {"units_remaining": 500}]),
        ]
        for model, method, args, *kwargs in attempts:
            result = call_kw(self, model, method, args, *kwargs)
            self.assertIn("error", result, f"{model}.{method} was accepted")
        self.env.invalidate_all()
        self.assertEqual(contract.balance, 10.0)
        self.assertEqual(book.units_remaining, 10.0)
        self.assertEqual(len(contract.entry_ids), 1)
        self.assertEqual(entry.units, 10.0)

    def test_rpc_read_of_another_clients_contract_is_refused(self):
        contract_b = self._create_contract(partner=self.client_b)
        self.authenticate(self.portal_a.login, self.portal_a.login)
        result = call_kw(self, "tma.contract", "read", [contract_b.ids, ["balance"]])
        self.assertIn("error", result)
        result = call_kw(
            self, "tma.contract", "search_read", [[]], {"fields": ["name"]}
        )
        self.assertNotIn(contract_b.id, [r["id"] for r in result.get("result", [])])
