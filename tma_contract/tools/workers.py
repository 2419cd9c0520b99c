# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Transactions run like separate Odoo workers, each on a connection of its
own that commits: what the concurrency tests and the benchmarks drive. Not
imported by the addon itself, and importing it pulls in no test framework."""

import random
import threading
import time
from contextlib import contextmanager

from psycopg2 import OperationalError

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY
from odoo.sql_db import db_connect


def committed_env(registry, cr):
    """A superuser environment on ``cr``, a cursor of its own that commits.

    The cursor is bound to ``registry`` directly: looking the registry up by
    database name would wait on the lock Odoo's test runner holds while tests
    run.
    """
    cr.transaction = api.Transaction(registry)
    return api.Environment(
        cr, SUPERUSER_ID, {"tracking_disable": True, "mail_notify_force_send": False}
    )


@contextmanager
def thread_testing(testing):
    """Within the block, the current thread counts as under tests or not
    (``testing``), as code that commits between units of work outside tests
    reads it (``tma_contract.models.utils.commit_unless_testing``, the
    crons, Odoo's mail queue)."""
    thread = threading.current_thread()
    before = getattr(thread, "testing", False)
    thread.testing = testing
    try:
        yield
    finally:
        thread.testing = before


def production_commits():
    """Within the block, code that commits between units of work outside
    tests commits: for a test that drives such code on a cursor of its own
    (``committed_env``) and checks its transactions."""
    return thread_testing(False)


def run_committed(registry, func, tries=10, backoff=0.05, on_retry=None):
    """Run ``func(env)`` in its own transaction and commit it, like one Odoo
    worker serving one request.

    After a serialization failure, deadlock or lock timeout the call is replayed
    on a fresh cursor, as Odoo replays HTTP and RPC calls (its own ``retrying``
    cannot be used here: it looks the registry up by name, see
    ``committed_env``). Returns ``("posted", result)``, or ``("refused", None)``
    when ``func`` raises a ``UserError``; other errors propagate, and a call still
    conflicting after ``tries`` attempts raises ``RuntimeError``.
    """
    for attempt in range(tries):
        with db_connect(registry.db_name).cursor() as cr:
            env = committed_env(registry, cr)
            try:
                result = func(env)
                cr.commit()  # pylint: disable=invalid-commit
                return "posted", result
            except UserError:
                cr.rollback()
                return "refused", None
            except OperationalError as exc:
                cr.rollback()
                if exc.pgcode not in PG_CONCURRENCY_ERRORS_TO_RETRY:
                    raise
                if on_retry:
                    on_retry()
        time.sleep(random.uniform(0, backoff * 2**attempt))
    raise RuntimeError(f"still conflicting after {tries} attempts")


def run_parallel(registry, funcs, timeout=180):
    """Run each of ``funcs`` (callables of an environment) in a thread of its
    own through :func:`run_committed`, all started together, as parallel
    workers; return ``(results, errors)``: the results of the calls, and the
    errors they raised, in words."""
    barrier = threading.Barrier(len(funcs))
    results, errors = [], []

    def worker(func):
        barrier.wait(timeout=30)
        try:
            results.append(run_committed(registry, func))
        except Exception as exc:  # noqa: BLE001 (returned to the caller)
            errors.append(repr(exc))

    threads = [threading.Thread(target=worker, args=(func,)) for func in funcs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results, errors
