# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The suite's read-only routes on a PostgreSQL streaming replica, with
read-your-writes.

Odoo 18 sends a request of a route declared ``readonly`` to the replica
(``db_replica_host`` / ``db_replica_port``) and, when it tries to write
there, runs it again on the primary. A replica lags behind the primary: a
client who has just approved minutes, rated a ticket or signed an item, and
is then sent to a page read on the replica, could read that it has not.

So each session remembers the last transactions in which it wrote
(:func:`remember_write`, called once per read/write request when a replica
is configured) and every read-only route, Odoo's own included
(:func:`read_your_writes`, around each route's ``readonly`` by ``ir.http``),
goes to the replica only when the replica has replayed them (no longer
running nor future in a snapshot taken on the replica, once the
transaction's end is replayed there).

A read-only request never changes the session. Odoo saves a changed
session whole, from the copy the request loaded: a read that finished after
a concurrent write (the chatter's fetch while the user clicks a button)
would save its older copy over the write's mark, and the user's next read
would go to a replica that has not replayed it. Every request that saves
the session (a write, or a request that changes the session for its own
reasons: Odoo's home page, the websocket's handshake) merges the marks
already saved with its own (:data:`REMEMBERED` of them).

A read waits for the replica at most ``READ_YOUR_WRITES_WAIT`` seconds,
then goes to the primary: a lagging replica costs that user one request on
the primary, never a stale page.

Without a replica (``db_replica_host`` not set) nothing here runs a query:
a read-only route then gets a read-only transaction on the primary, as
Odoo gives it.

Odoo API used: ``http.route(readonly=callable)`` (called with the
controller, the request in ``odoo.http.request``), ``Registry.cursor(
readonly=True)`` (a cursor on the replica, or the primary without one),
``ir.http._generate_routing_rules`` (each endpoint's ``routing`` dict, whose
``readonly`` ``Request._serve_db`` reads; pinned by
``tests/test_host_internals``) and ``ir.http._post_dispatch`` (inside the
request's transaction, before its
commit and before the session is saved).
"""

import logging
import time

import psycopg2.errors

from odoo.http import request, root
from odoo.tools import config

_logger = logging.getLogger(__name__)

SESSION_KEY = "tma_last_write_marks"
# How many of a session's last writing transactions it remembers (two
# requests of one session that write at once each keep the other's).
REMEMBERED = 4
# How long a read-only request waits for the replica to replay the
# session's last write before it goes to the primary instead.
READ_YOUR_WRITES_WAIT = 1.0
POLL_INTERVAL = 0.02


def replica_configured():
    """Whether Odoo runs with a replica (``db_replica_host``; an empty value
    means the default Unix socket, as Odoo reads it)."""
    return config.get("db_replica_host") is not False


def remember_write(env):
    """Before the session is saved (the transaction is committed after
    that): in a read/write request that wrote, remember its transaction in
    the session; in any request about to save the session, keep the marks a
    concurrent request of the session saved meanwhile. Odoo saves a changed
    session whole, from the copy the request loaded: a request that changes
    it for its own reasons (the web client's home page refreshes its
    lifetime, the websocket's handshake forces its save) would otherwise
    drop the mark of a write made while it ran. Does nothing without a
    replica."""
    if not replica_configured() or not request:
        return
    session = request.session
    mark = None
    if not env.cr.readonly:
        # The ORM writes its pending changes at the commit, after this:
        # write them now, so that the transaction has its id if it writes.
        env.flush_all()
        # The mark: the transaction's id, and the primary's WAL position
        # past its data (its commit comes after).
        env.cr.execute(
            """SELECT pg_current_xact_id_if_assigned()::text || ':'
                      || pg_current_wal_insert_lsn()::text"""
        )
        mark = env.cr.fetchone()[0]
    if not mark and not session.is_dirty:
        return
    saved = []
    if not session.is_new:
        saved = root.session_store.get(session.sid).get(SESSION_KEY) or []
    marks = [*saved, *(session.get(SESSION_KEY) or []), *([mark] if mark else [])]
    # The last REMEMBERED distinct marks, in their order.
    marks = list(dict.fromkeys(reversed(marks)))[:REMEMBERED][::-1]
    if marks:
        session[SESSION_KEY] = marks


def _replayed(cr, marks):
    """Whether the replica behind ``cr`` has replayed the end of every
    transaction of ``marks`` (``"xid:lsn"``): it has replayed the WAL up to
    the transaction's data (so it knows the transaction), and the
    transaction is neither running nor future in a snapshot taken there
    now."""
    cr.execute(
        """SELECT bool_and(
                      (NOT pg_is_in_recovery()
                       OR pg_last_wal_replay_lsn() >= split_part(m, ':', 2)::pg_lsn)
                      AND pg_visible_in_snapshot(split_part(m, ':', 1)::xid8, s))
             FROM unnest(%s::text[]) m, pg_current_snapshot() s""",
        [marks],
    )
    return cr.fetchone()[0]


def session_reads_its_writes():
    """Whether this request may read the replica as far as the session is
    concerned: True when the replica has replayed the session's last writes
    (waiting up to ``READ_YOUR_WRITES_WAIT`` for it), False when the
    request must go to the primary to see them. Leaves the session as it
    is (see the module's docstring)."""
    marks = request.session.get(SESSION_KEY)
    if not marks or not replica_configured():
        return True
    deadline = time.monotonic() + READ_YOUR_WRITES_WAIT
    with request.registry.cursor(readonly=True) as cr:
        while True:
            if _replayed(cr, marks):
                return True
            if time.monotonic() >= deadline:
                _logger.info(
                    "replica behind the session's last writes (%s): %s served by "
                    "the primary",
                    ", ".join(marks),
                    request.httprequest.path,
                )
                return False
            cr.rollback()  # a new snapshot for the next look
            time.sleep(POLL_INTERVAL)


def check_request_snapshot(cr):
    """In a read-only request on the replica, check that the request's own
    snapshot (``cr``'s transaction, the one its reads use) holds the
    session's last writes: the wait of :func:`session_reads_its_writes`
    looked through another cursor. When it does not, raise Odoo's
    read-only error: Odoo then runs the request again on the primary
    ("ro->rw" in the log)."""
    if not cr.readonly or not replica_configured() or not request:
        return
    marks = request.session.get(SESSION_KEY)
    if marks and not _replayed(cr, marks):
        raise psycopg2.errors.ReadOnlySqlTransaction(
            "the replica's snapshot lacks the session's last writes"
        )


def read_your_writes(readonly):
    """A route's ``readonly`` (a bool or Odoo's callable) wrapped so that a
    session's reads follow its writes: read-only when the route is and the
    session's last write is on the replica. ``ir.http`` wraps every route
    with it, Odoo's own included (the web client's ``call_kw`` reads after
    a button's write, for instance)."""
    if getattr(readonly, "tma_original", None) is not None:
        return readonly  # wrapped already

    def wrapped(controller):
        mode = readonly(controller) if callable(readonly) else readonly
        return bool(mode) and session_reads_its_writes()

    wrapped.tma_original = readonly
    return wrapped


def read_route(controller):
    """``readonly`` of the suite's pages and downloads: read-only for a GET
    or HEAD (a form posting to the same URL writes); the session's writes
    are then looked after by :func:`read_your_writes`, as for every route."""
    return request.httprequest.method in ("GET", "HEAD")
