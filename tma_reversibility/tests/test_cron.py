# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta
from unittest.mock import patch

from psycopg2 import errors

from odoo import fields
from odoo.sql_db import db_connect
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.tma_contract.tests.common import commit_contracts, purge_committed
from odoo.addons.tma_contract.tools.workers import committed_env, production_commits

from ..models.tma_reversibility_package import PACKAGE_CHANNEL
from .common import TmaReversibilityCommon

PACKAGE_LOGGER = "odoo.addons.tma_reversibility.models.tma_reversibility_package"


@tagged("post_install", "-at_install")
class TestCrons(TmaReversibilityCommon):
    """The batch crons report their progress, re-arm themselves while work
    remains, and no record they cannot process blocks the others."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Package = cls.env["tma.reversibility.package"]
        # Packages queued before the test (the demo's) are not the test's.
        cls.Package.search([("state", "=", "queued")]).state = "failed"
        cls.other_contract = cls._create_contract(title="Other handover")
        cls.package_cron = cls.env.ref("tma_reversibility.ir_cron_tma_build_packages")

    def _run(self, cron, method, **kwargs):
        """Run ``method`` of ``cron``'s model as the cron runner does, with a
        progress record in the context; return that progress."""
        cron, progress = cron._add_progress()
        model = self.env[cron.model_id.model].with_context(
            ir_cron_progress_id=progress.id
        )
        getattr(model, method)(**kwargs)
        return progress

    def _triggers(self, cron):
        return self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])

    def _fake_build(self, held, error):
        """A build that meets ``error`` on the ``held`` package (the error a
        worker gets on a package another transaction is writing) and builds
        the others instantly."""

        def _build(package):
            if package == held:
                raise error
            package.state = "done"

        return patch.object(type(self.Package), "_build", _build)

    def test_a_package_the_cron_cannot_build_now_does_not_block_the_others(self):
        for error in (
            errors.LockNotAvailable("held by another worker"),
            errors.SerializationFailure("could not serialize access"),
        ):
            with self.subTest(error=type(error).__name__):
                held = self.Package._request(self.contract)
                other = self.Package._request(self.other_contract)
                triggers = self._triggers(self.package_cron)
                with self._fake_build(held, error), mute_logger(PACKAGE_LOGGER):
                    progress = self._run(
                        self.package_cron, "_cron_build_packages", limit=2
                    )
                # The oldest package waits, the next one is built.
                self.assertEqual(held.state, "queued")
                self.assertEqual(other.state, "done")
                self.assertEqual((progress.done, progress.remaining), (1, 1))
                # The cron comes back for it, not at once.
                rearmed = self._triggers(self.package_cron) - triggers
                self.assertTrue(rearmed)
                self.assertGreater(
                    min(rearmed.mapped("call_at")), fields.Datetime.now()
                )
                # Once out of the way, the next run builds it.
                with self._fake_build(self.Package, error):
                    progress = self._run(self.package_cron, "_cron_build_packages")
                self.assertEqual(held.state, "done")
                self.assertEqual((progress.done, progress.remaining), (1, 0))

    def test_the_next_package_is_the_oldest_not_set_aside(self):
        """The cron takes the oldest queued package it has not set aside this
        run (those other workers hold are skipped by ``SKIP LOCKED``, which a
        single test transaction cannot show)."""
        held = self.Package._request(self.contract)
        other = self.Package._request(self.other_contract)
        self.assertEqual(self.Package._lock_next_queued(held), other)
        self.assertFalse(self.Package._lock_next_queued(held | other))

    def test_the_package_cron_reports_progress_and_rearms_itself(self):
        first = self.Package._request(self.contract)
        second = self.Package._request(self.other_contract)
        triggers = self._triggers(self.package_cron)
        with self._fake_build(self.Package, None):
            progress = self._run(self.package_cron, "_cron_build_packages", limit=1)
        self.assertEqual(first.state, "done")
        self.assertEqual(second.state, "queued")
        self.assertEqual((progress.done, progress.remaining), (1, 1))
        rearmed = self._triggers(self.package_cron) - triggers
        self.assertTrue(rearmed)
        self.assertLessEqual(
            max(rearmed.mapped("call_at")),
            fields.Datetime.now() + timedelta(seconds=1),
        )
        with self._fake_build(self.Package, None):
            progress = self._run(self.package_cron, "_cron_build_packages", limit=1)
        self.assertEqual(second.state, "done")
        self.assertEqual((progress.done, progress.remaining), (1, 0))
        # Nothing left: the cron is not re-armed.
        triggers = self._triggers(self.package_cron)
        progress = self._run(self.package_cron, "_cron_build_packages")
        self.assertEqual((progress.done, progress.remaining), (0, 0))
        self.assertEqual(self._triggers(self.package_cron), triggers)

    def test_the_review_cron_works_in_batches_and_rearms_itself(self):
        cron = self.env.ref("tma_reversibility.ir_cron_tma_document_reviews")
        Document = self.env["tma.document"]
        Document.search([("next_review_date", "<", fields.Date.today())]).write(
            {"next_review_date": False}
        )
        documents = Document.create(
            [
                {
                    "contract_id": self.contract.id,
                    "name": f"Run book {i}",
                    "doc_type": "runbook",
                    "next_review_date": "2020-01-01",
                }
                for i in range(3)
            ]
        )
        triggers = self._triggers(cron)
        progress = self._run(cron, "_cron_review_reminders", batch_size=2)
        self.assertEqual((progress.done, progress.remaining), (2, 1))
        self.assertTrue(self._triggers(cron) - triggers)
        progress = self._run(cron, "_cron_review_reminders", batch_size=2)
        self.assertEqual((progress.done, progress.remaining), (1, 0))
        self.assertEqual(len(documents.activity_ids), 3)


@tagged("post_install", "-at_install")
class TestPackageLockedByAnotherWorker(TmaReversibilityCommon):
    """Real parallel transactions: a package another worker holds is skipped,
    the next one is taken; the cron commits after each package."""

    def _commit_packages(self, client):
        """Two packages queued, committed, for two new contracts of a new
        client (deleted after the test); return their ids and those of the
        packages queued earlier (the demo's)."""
        contract_ids, partner_id = commit_contracts(self.registry, client, 2)
        with db_connect(self.env.cr.dbname).cursor() as cr:
            env = committed_env(self.registry, cr)
            Package = env["tma.reversibility.package"]
            packages = Package.browse(
                Package._request(contract).id
                for contract in env["tma.contract"].browse(contract_ids)
            )
            earlier = Package.search(
                [("state", "=", "queued"), ("id", "not in", packages.ids)]
            )
            cr.commit()  # pylint: disable=invalid-commit
            package_ids = packages.ids
        self.addCleanup(
            purge_committed,
            self.registry,
            ("tma.reversibility.package", package_ids),
            ("tma.contract", contract_ids),
            ("res.partner", [partner_id]),
        )
        return package_ids, earlier.ids

    def test_a_package_another_worker_holds_is_skipped(self):
        dbname = self.env.cr.dbname
        (held_id, free_id), earlier_ids = self._commit_packages("Parallel handover")
        with db_connect(dbname).cursor() as locker, db_connect(dbname).cursor() as cr:
            # Another worker is building the first package: its row is locked.
            locker.execute(
                "SELECT id FROM tma_reversibility_package WHERE id = %s FOR UPDATE",
                (held_id,),
            )
            env = committed_env(self.registry, cr)
            Package = env["tma.reversibility.package"]
            # The packages queued before this test (the demo's) are set aside.
            taken = Package._lock_next_queued(Package.browse(earlier_ids))
            self.assertEqual(taken.id, free_id)
            cr.rollback()
            locker.rollback()
        # Once the other worker is done, the first package is taken again.
        with db_connect(dbname).cursor() as cr:
            Package = committed_env(self.registry, cr)["tma.reversibility.package"]
            taken = Package._lock_next_queued(Package.browse(earlier_ids))
            self.assertEqual(taken.id, held_id)
            cr.rollback()

    def test_the_cron_builds_one_package_a_transaction_and_each_once(self):
        """Outside tests the cron commits after each package: two queued
        packages are written by two transactions (their ``write_date``, the
        time of the transaction that wrote them), so nothing the first one's
        build locked is held while the second one's PDF is rendered. A
        package is built once: the next run finds nothing to build."""
        dbname = self.env.cr.dbname
        package_ids, earlier_ids = self._commit_packages("One at a time")
        with (
            db_connect(dbname).cursor() as other_worker,
            db_connect(dbname).cursor() as cr,
            production_commits(),
        ):
            # The packages queued before this test (the demo's) are another
            # worker's: the cron skips them.
            other_worker.execute(
                """SELECT id FROM tma_reversibility_package
                    WHERE id = ANY(%s) FOR UPDATE SKIP LOCKED""",
                (earlier_ids,),
            )
            Package = committed_env(self.registry, cr)["tma.reversibility.package"]
            built = Package._cron_build_packages(limit=2)
            cr.commit()  # pylint: disable=invalid-commit
            self.assertEqual(built.ids, package_ids)
            self.assertEqual(set(built.mapped("state")), {"done"})
            # Odoo stamps what a transaction writes with its start time.
            self.assertEqual(len(set(built.mapped("write_date"))), 2)
            self.assertFalse(Package._cron_build_packages(limit=2))
            cr.commit()  # pylint: disable=invalid-commit
            other_worker.rollback()


@tagged("post_install", "-at_install")
class TestPackageRunner(TmaReversibilityCommon):
    """Packages are built by OCA queue_job jobs when queue_job is installed,
    else by the cron; either way a package is built once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Package = cls.env["tma.reversibility.package"]
        cls.Package.search([("state", "=", "queued")]).state = "failed"
        cls.package_cron = cls.env.ref("tma_reversibility.ir_cron_tma_build_packages")

    def test_a_request_goes_to_the_runner_in_place_and_is_built_once(self):
        """Without queue_job, a request wakes the cron, which builds the
        package once; with queue_job, it is a job of the package channel, and
        running it again (a retried job) or the cron builds nothing more."""
        built = []

        def build(package):
            built.append(package.id)
            package.write({"state": "done"})

        Trigger = self.env["ir.cron.trigger"]
        cron_triggers = [("cron_id", "=", self.package_cron.id)]
        before = Trigger.search_count(cron_triggers)
        package = self.Package._request(self.contract)
        self.assertEqual(package.state, "queued")
        if self.Package._use_queue_job():
            job = self.env["queue.job"].search(
                [("model_name", "=", package._name)], order="id desc", limit=1
            )
            self.assertEqual(job.channel, PACKAGE_CHANNEL)
            self.assertEqual(job.records, package)
            with patch.object(type(self.Package), "_build", build):
                self.assertEqual(package._job_build(), "done")
                self.assertIn("not queued", package._job_build())
                self.assertFalse(self.Package._cron_build_packages())
        else:
            self.assertEqual(Trigger.search_count(cron_triggers), before + 1)
            with patch.object(type(self.Package), "_build", build):
                self.assertEqual(self.Package._cron_build_packages(), package)
                self.assertFalse(self.Package._cron_build_packages())
        self.assertEqual(built, [package.id])
