# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The journal of the parties' acts: numbered without gaps per contract, even
under parallel transactions; hash-chained, so that an entry changed or
deleted afterwards, even in SQL, is found; never written nor deleted."""

import threading

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .common import TmaCommon, committed_env, run_committed


def _append(env, contract, code="test_act", values=None):
    return env["tma.act.journal"]._tma_append(
        contract,
        {
            "code": code,
            "res_model": "tma.contract",
            "res_id": contract.id,
            "partner_id": contract.partner_id.id,
            "actor_partner_id": contract.partner_id.id,
            "user_id": env.user.id,
            "values": values or {"value": 1},
        },
    )


@tagged("post_install", "-at_install")
class TestActJournal(TmaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contract = cls._create_contract()
        cls.Journal = cls.env["tma.act.journal"]

    def _journal(self):
        return self.Journal.search(
            [("contract_id", "=", self.contract.id)], order="sequence"
        )

    def test_entries_numbered_and_chained(self):
        first = _append(self.env, self.contract, values={"value": 1})
        second = _append(self.env, self.contract, values={"value": 2})
        self.assertEqual((first.sequence, second.sequence), (1, 2))
        self.assertEqual(self.contract.act_seq, 2)
        self.assertEqual(len(second.inalterable_hash), 64)
        self.assertNotEqual(first.inalterable_hash, second.inalterable_hash)
        self.assertIsNone(self.contract._tma_verify_journal())
        self.assertEqual(self.contract.act_journal_count, 2)

    def test_nobody_creates_writes_or_deletes_an_entry(self):
        entry = _append(self.env, self.contract)
        with self.assertRaisesRegex(UserError, "cannot be modified"):
            entry.sudo().write({"code": "forged"})
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            entry.sudo().unlink()
        with self.assertRaisesRegex(UserError, "only when a party acts"):
            self.Journal.sudo().create(
                {
                    "contract_id": self.contract.id,
                    "sequence": 99,
                    "code": "forged",
                    "res_model": "tma.contract",
                    "res_id": self.contract.id,
                    "partner_id": self.client_a.id,
                    "recorded_on": fields.Datetime.now(),
                }
            )
        with self.assertRaises(AccessError):
            self.contract.with_user(self.manager).write({"act_seq": 0})
        self.assertEqual(entry.code, "test_act")
        self.assertEqual(self.contract.act_seq, 1)

    def test_an_entry_updated_in_sql_is_found(self):
        for value in range(3):
            _append(self.env, self.contract, values={"value": value})
        second = self._journal()[1]
        self.env.cr.execute(
            "UPDATE tma_act_journal SET values_json = '{\"value\":5}' WHERE id = %s",
            (second.id,),
        )
        problem = self.contract._tma_verify_journal()
        self.assertEqual(problem["sequence"], 2)
        self.assertEqual(problem["entry"], second)
        self.assertIn("No. 2 was altered", problem["reason"])

    def test_an_entry_deleted_in_sql_is_found(self):
        for value in range(3):
            _append(self.env, self.contract, values={"value": value})
        self.env.cr.execute(
            "DELETE FROM tma_act_journal WHERE contract_id = %s AND sequence = 2",
            (self.contract.id,),
        )
        problem = self.contract._tma_verify_journal()
        self.assertEqual(problem["sequence"], 2)
        self.assertIn("No. 2 is missing", problem["reason"])
        # The last one deleted: the contract's counter still knows it.
        self.env.cr.execute(
            "DELETE FROM tma_act_journal WHERE contract_id = %s AND sequence > 1",
            (self.contract.id,),
        )
        self.assertEqual(self.contract._tma_verify_journal()["sequence"], 2)

    def test_verify_button_posts_the_result_for_managers_only(self):
        _append(self.env, self.contract)
        with self.assertRaisesRegex(AccessError, "Only a TMA manager"):
            self.contract.with_user(self.engineer).action_tma_verify_journal()
        self.contract.with_user(self.manager).action_tma_verify_journal()
        self.assertIn("intact (1 entries)", self.contract.message_ids[0].body)
        self.env.cr.execute(
            "UPDATE tma_act_journal SET code = 'forged' WHERE contract_id = %s",
            (self.contract.id,),
        )
        self.contract.with_user(self.manager).action_tma_verify_journal()
        self.assertIn("NOT intact", self.contract.message_ids[0].body)

    def test_who_reads_the_journal(self):
        entry = _append(self.env, self.contract)
        other = self._create_contract(partner=self.client_b)
        other_entry = _append(self.env, other)
        self.assertEqual(
            self.Journal.with_user(self.engineer).search(
                [("id", "in", (entry + other_entry).ids)]
            ),
            entry + other_entry,
        )
        self.assertEqual(
            self.Journal.with_user(self.portal_a).search(
                [("id", "in", (entry + other_entry).ids)]
            ),
            entry,
        )


@tagged("post_install", "-at_install")
class TestActJournalConcurrency(TransactionCase):
    WORKERS = 2

    def _setup_committed(self):
        with db_connect(self.env.cr.dbname).cursor() as cr:
            env = committed_env(self.registry, cr)
            partner = env["res.partner"].create(
                {"name": "Journal client", "is_company": True}
            )
            contract = env["tma.contract"].create(
                {
                    "partner_id": partner.id,
                    "mode": "ticket_book",
                    "date_start": fields.Date.today(),
                }
            )
            contract.action_activate()
            cr.commit()  # pylint: disable=invalid-commit
            ids = {"partner": partner.id, "contract": contract.id}
        self.addCleanup(self._purge, ids)
        return ids

    def _purge(self, ids):
        with db_connect(self.env.cr.dbname).cursor() as cr:
            cr.execute(
                "DELETE FROM tma_act_journal WHERE contract_id = %s",
                (ids["contract"],),
            )
            cr.execute(
                "DELETE FROM mail_message WHERE model = 'tma.contract' AND res_id = %s",
                (ids["contract"],),
            )
            cr.execute("DELETE FROM tma_contract WHERE id = %s", (ids["contract"],))
            cr.execute("DELETE FROM res_partner WHERE id = %s", (ids["partner"],))
            cr.commit()  # pylint: disable=invalid-commit

    def test_parallel_acts_numbered_without_gaps(self):
        ids = self._setup_committed()
        barrier = threading.Barrier(self.WORKERS)
        outcomes = []
        lock = threading.Lock()

        def act(env):
            contract = env["tma.contract"].browse(ids["contract"])
            return _append(env, contract).sequence

        def worker():
            barrier.wait(timeout=30)
            try:
                outcome = run_committed(self.registry, act)
            except Exception as exc:  # reported by the assertion below
                outcome = ("error", repr(exc))
            with lock:
                outcomes.append(outcome)

        threads = [threading.Thread(target=worker) for _i in range(self.WORKERS)]
        with mute_logger("odoo.sql_db"):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
        self.assertEqual(
            sorted(outcomes), [("posted", n) for n in range(1, self.WORKERS + 1)]
        )
        with db_connect(self.env.cr.dbname).cursor() as cr:
            cr.execute(
                "SELECT sequence FROM tma_act_journal WHERE contract_id = %s"
                " ORDER BY sequence",
                (ids["contract"],),
            )
            self.assertEqual(
                [row[0] for row in cr.fetchall()], list(range(1, self.WORKERS + 1))
            )
            env = committed_env(self.registry, cr)
            contract = env["tma.contract"].browse(ids["contract"])
            self.assertIsNone(contract._tma_verify_journal())
