# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Reviews under parallel workers, each in its own committed transaction:
several review crons schedule each review once; two contacts approving the
same minutes at once approve them once."""

import threading
from datetime import timedelta

from odoo import Command, fields
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.tma_contract.tests.common import committed_env, run_committed


@tagged("post_install", "-at_install")
class TestReviewConcurrency(TransactionCase):
    WORKERS = 4

    def _setup_committed(self):
        with db_connect(self.env.cr.dbname).cursor() as cr:
            env = committed_env(self.registry, cr)
            partner = env["res.partner"].create(
                {"name": "Review client", "is_company": True}
            )
            contacts = env["res.partner"].create(
                [
                    {"name": f"Contact {i}", "parent_id": partner.id}
                    for i in range(self.WORKERS)
                ]
            )
            contract = env["tma.contract"].create(
                {
                    "partner_id": partner.id,
                    "mode": "ticket_book",
                    "date_start": fields.Date.today(),
                }
            )
            contract.action_activate()
            types = env["tma.review.type"].create(
                [
                    {
                        "name": f"Review {i}",
                        "contract_id": contract.id,
                        "cadence_months": 1,
                        "next_date": fields.Datetime.now() + timedelta(days=2),
                        "client_partner_ids": [Command.set(contacts[:1].ids)],
                    }
                    for i in range(6)
                ]
            )
            cr.commit()  # pylint: disable=invalid-commit
            ids = {
                "partner": partner.id,
                "contacts": contacts.ids,
                "contract": contract.id,
                "types": types.ids,
            }
        self.addCleanup(self._purge, ids)
        return ids

    def _purge(self, ids):
        with db_connect(self.env.cr.dbname).cursor() as cr:
            cr.execute(
                "SELECT id, calendar_event_id FROM tma_review WHERE type_id IN %s",
                (tuple(ids["types"]),),
            )
            rows = cr.fetchall()
            reviews = tuple(r[0] for r in rows) or (0,)
            events = tuple(r[1] for r in rows if r[1]) or (0,)
            cr.execute(
                "DELETE FROM mail_message WHERE model = 'tma.review' AND res_id IN %s",
                (reviews,),
            )
            cr.execute(
                "DELETE FROM ir_attachment WHERE res_model = 'tma.review'"
                " AND res_id IN %s",
                (reviews,),
            )
            cr.execute("DELETE FROM tma_review WHERE id IN %s", (reviews,))
            cr.execute("DELETE FROM calendar_event WHERE id IN %s", (events,))
            cr.execute(
                "DELETE FROM tma_review_type WHERE id IN %s", (tuple(ids["types"]),)
            )
            cr.execute(
                "DELETE FROM tma_act_journal WHERE contract_id = %s",
                (ids["contract"],),
            )
            cr.execute("DELETE FROM tma_contract WHERE id = %s", (ids["contract"],))
            cr.execute(
                "DELETE FROM res_partner WHERE id IN %s",
                (tuple([ids["partner"], *ids["contacts"]]),),
            )
            cr.commit()  # pylint: disable=invalid-commit

    def _parallel(self, funcs):
        barrier = threading.Barrier(len(funcs))
        results, errors = [], []

        def worker(func):
            barrier.wait(timeout=30)
            try:
                results.append(run_committed(self.registry, func))
            except Exception as exc:  # reported by the assertion below
                errors.append(repr(exc))

        threads = [threading.Thread(target=worker, args=(f,)) for f in funcs]
        with mute_logger("odoo.sql_db"):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=180)
        self.assertFalse(errors)
        return results

    def test_parallel_review_crons_schedule_each_review_once(self):
        ids = self._setup_committed()

        def cron(env):
            return len(env["tma.review"]._cron_schedule_reviews(batch_size=2))

        self._parallel([cron] * self.WORKERS)
        # What is left (batches of 2 per worker) is scheduled by a last run.
        run_committed(self.registry, cron)
        with db_connect(self.env.cr.dbname).cursor() as cr:
            cr.execute(
                """SELECT count(*), count(DISTINCT type_id),
                          count(calendar_event_id)
                     FROM tma_review WHERE type_id IN %s""",
                (tuple(ids["types"]),),
            )
            reviews, types, events = cr.fetchone()
        self.assertEqual((reviews, types, events), (6, 6, 6))

    def test_two_contacts_approving_at_once_approve_once(self):
        ids = self._setup_committed()

        def submit(env):
            # The review of one of this test's types, as the cron makes it
            # (the cron itself may pick the demo's types first, when they
            # are due).
            Review = env["tma.review"]
            review_type = env["tma.review.type"].browse(ids["types"][0])
            review = Review.create(
                Review._prepare_review_values(review_type, review_type.next_date)
            )
            review.action_held()
            review.minutes = "<p>RAS</p>"
            review.action_submit_minutes()
            return review.id

        _status, review_id = run_committed(self.registry, submit)

        def approve(contact_id):
            def func(env):
                review = env["tma.review"].browse(review_id)
                return review._portal_approve(env["res.partner"].browse(contact_id))

            return func

        results = self._parallel([approve(cid) for cid in ids["contacts"]])
        statuses = sorted(status for status, _result in results)
        self.assertEqual(statuses, ["posted"] + ["refused"] * (self.WORKERS - 1))
        with db_connect(self.env.cr.dbname).cursor() as cr:
            cr.execute(
                """SELECT count(*) FROM mail_message
                    WHERE model = 'tma.review' AND res_id = %s
                      AND body LIKE '%%Minutes approved by%%'""",
                (review_id,),
            )
            self.assertEqual(cr.fetchone()[0], 1)
