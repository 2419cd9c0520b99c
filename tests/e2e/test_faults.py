# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Faults survived under load: while the people of the load test work (a
shorter run than test_load.py's), a cron worker is killed in the middle of a
package build, one Odoo node is killed (``kill -9``, all its processes) and
started again, PostgreSQL's primary is restarted (fast shutdown: every
connection cut, open transactions rolled back; the replica reconnects), and
a cron worker is killed in the middle of a batch of breaches.

Afterwards the load test's rules hold (loadrun.check_invariants), the only
requests that failed were in flight during a fault (started before the
component it struck was back), and what each fault cost (failed requests,
seconds until the first request served after it, seconds until the
component was back) is printed and written to ``faults.txt`` in the
artifacts. Whatever a fault stopped is started again, even on failure."""

import os
import re
import signal
import time
from concurrent.futures import ThreadPoolExecutor

import loadrun
import psutil
import pytest
from conftest import ADMIN
from harness import (
    CRON_RUN,
    LOG_RECORD,
    LOG_TIME,
    Database,
    _poll,
    ensure_primary_running,
    replica_caught_up,
    restart_primary,
)

SECONDS = int(os.environ.get("TMA_E2E_FAULT_SECONDS", "110"))
# A request counts as in flight during a fault when it started before the
# component was back, give or take this (the clocks of the processes and
# the balancer noticing a node back).
GRACE = 2.0
# What the servers log about a fault (the cut connections' tracebacks, the
# workers that exit on them and are replaced) may come this long after the
# component is back.
LOG_GRACE = 10.0
# Seconds between two faults.
SPACING = 8
# What a process logs when it uses a connection the primary's restart cut.
CONNECTION_CUT = re.compile(
    r"server closed the connection unexpectedly|cursor already closed"
    r"|connection already closed|terminating connection due to administrator"
    r"|the database system is (?:shutting down|starting up)"
)
# Breaches due before the cron worker is woken for the batch it is killed in.
BREACH_BATCH = 5


class Fault:
    """A fault and its times (wall clock, as the load's requests)."""

    def __init__(self, name, cuts_connections=False):
        self.name = name
        self.cuts_connections = cuts_connections
        self.start = time.time()
        self.back = None  # when the component it struck was back
        self.detail = ""

    def window(self, grace):
        return self.start, (self.back or self.start) + grace


@pytest.fixture(scope="module")
def fault_world(rpc, db):
    return loadrun.build_world(rpc, db, tag="-faults")


def odoo_pids_locking(server, db, table, condition, params=()):
    """The Odoo processes whose open transaction holds a lock on rows of
    ``table`` (``t``) matching ``condition``: {pid: (backend pid, row ids)}.
    pgrowlocks tells which transaction locks a row (its ``pids`` only when
    that is a top-level transaction: a cron that locks its batch inside a
    savepoint locks it with the savepoint's transaction id, whose lock in
    ``pg_locks`` names the backend); a backend's client port, which process
    of a node holds its connection (not the connection's name: a worker
    names its connections after the node's main process)."""
    backends = {
        port: (backend, ids)
        for port, backend, ids in db.rows(
            f"""SELECT a.client_port, a.pid, array_agg(DISTINCT t.id)
                  FROM {table} t
                  JOIN pgrowlocks(%s) l ON l.locked_row = t.ctid
                  LEFT JOIN pg_locks k
                    ON k.locktype = 'transactionid' AND k.transactionid = l.locker
                   AND k.mode = 'ExclusiveLock' AND k.granted
                  JOIN pg_stat_activity a
                    ON a.pid = ANY(l.pids) OR a.pid = k.pid
                 WHERE {condition}
                 GROUP BY a.client_port, a.pid""",
            (table, *params),
        )
    }
    pids = {}
    for node in server.nodes if backends else ():
        for process in node.processes():
            try:
                connections = process.connections(kind="tcp")
            except psutil.Error:
                continue
            for connection in connections:
                if connection.laddr and connection.laddr.port in backends:
                    pids[process.pid] = backends[connection.laddr.port]
    return pids


class CronWorkers:
    """Which scheduled action each Odoo process is running, from the nodes'
    logs (a cron worker logs "Job ... (id) starting", then "done"), read on
    from where it was last read."""

    def __init__(self, server, offset):
        self.server = server
        self.positions = list(offset)
        self.pending = [b""] * len(server.nodes)
        self.current = {}  # pid -> cron id

    def running(self, pid):
        """The cron the cron worker ``pid`` is running now, or None."""
        for index, node in enumerate(self.server.nodes):
            with open(node.log_path, "rb") as log:
                log.seek(self.positions[index])
                data = log.read()
            self.positions[index] += len(data)
            data = self.pending[index] + data
            complete, _sep, self.pending[index] = data.rpartition(b"\n")
            for line in complete.decode("utf-8", "replace").splitlines():
                match = CRON_RUN.search(line)
                record = LOG_RECORD.match(line)
                if match and record:
                    self.current[int(record.group(1))] = (
                        int(match["id"]) if match["what"] == "starting" else None
                    )
        return self.current.get(pid)


def kill_cron_worker_mid_batch(name, server, db, workers, cron_id, batch, wait):
    """Have a cron worker run ``cron_id`` (``batch["start"]()``, again every
    few seconds) and ``kill -9`` it while it holds rows of its batch
    (``batch["lock"]``: table, condition and parameters for
    odoo_pids_locking), until a kill strikes before the batch is committed:
    once its connection is gone, rows of the batch are left undone
    (``batch["undone"]``: a condition on them)."""
    table = batch["lock"][0]
    deadline = time.monotonic() + wait
    next_start = 0.0
    kills = 0
    while time.monotonic() < deadline:
        if time.monotonic() >= next_start:
            batch["start"]()
            next_start = time.monotonic() + 5
        for pid, (backend, ids) in odoo_pids_locking(
            server, db, *batch["lock"]
        ).items():
            if workers.running(pid) != cron_id:
                continue  # an HTTP worker, or another cron
            fault = Fault(name)
            os.kill(pid, signal.SIGKILL)
            kills += 1
            fault.back = time.time()  # the node replaces the worker at once
            # The transaction ends with the connection (rolled back, unless
            # its commit had been sent).
            _poll(
                lambda b=backend: (
                    not db.value("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (b,))
                ),
                10,
                0.01,
                "the killed worker's connection to end",
            )
            undone = db.value(
                f"SELECT count(*) FROM {table} t WHERE t.id IN %s AND "
                + batch["undone"],
                (tuple(ids),),
            )
            if undone:
                fault.detail = (
                    f"cron worker {pid} killed holding {len(ids)} rows of its "
                    f"batch, {undone} of them left undone (kills: {kills})"
                )
                return fault
            break  # the batch was committed just before: again
        time.sleep(0.05)
    raise AssertionError(f"{name}: no cron worker killed in the middle of a batch")


def wake_cron(settings, db, cron_id):
    """Make ``cron_id`` due now and wake the cron workers, as ``_trigger``
    does (the workers listen in the ``postgres`` database)."""
    db.rows(
        """INSERT INTO ir_cron_trigger
                  (cron_id, call_at, create_uid, write_uid, create_date, write_date)
           VALUES (%s, now() at time zone 'UTC', 1, 1, now(), now())""",
        (cron_id,),
    )
    Database(settings, "postgres").rows(
        "SELECT pg_notify('cron_trigger', %s)", (settings.db,)
    )


def package_build_fault(server, db, rpc, world, workers):
    ids = tuple(world["contracts"].values())
    cron_id = db.xmlid("tma_reversibility.ir_cron_tma_build_packages")

    def request_packages():
        for contract_id in ids:
            rpc(ADMIN).call("tma.contract", "action_request_package", [contract_id])

    fault = kill_cron_worker_mid_batch(
        "cron worker killed building a package",
        server,
        db,
        workers,
        cron_id,
        {
            "lock": ("tma_reversibility_package", "t.contract_id IN %s", (ids,)),
            "start": request_packages,
            "undone": "t.state = 'queued'",
        },
        wait=90,
    )
    return fault


def breach_batch_fault(server, settings, db, world, workers):
    ids = tuple(world["contracts"].values())
    cron_id = world["crons"][0]
    due = """t.contract_id IN %s AND t.breach_notified IS NOT TRUE
             AND (t.status = 'breached'
                  OR (t.status = 'running'
                      AND t.deadline <= now() at time zone 'UTC'))"""

    def start():
        # a batch worth killing: wait for breaches to pile up
        deadline = time.monotonic() + 120
        while (
            db.value(f"SELECT count(*) FROM tma_sla_timer t WHERE {due}", (ids,))
            < BREACH_BATCH
            and time.monotonic() < deadline
        ):
            time.sleep(1)
        wake_cron(settings, db, cron_id)

    # The timers a worker running this cron holds are its batch's (claimed
    # and marked notified, not committed yet).
    return kill_cron_worker_mid_batch(
        "cron worker killed notifying breaches",
        server,
        db,
        workers,
        cron_id,
        {
            "lock": ("tma_sla_timer", "t.contract_id IN %s", (ids,)),
            "start": start,
            "undone": "t.breach_notified IS NOT TRUE",
        },
        wait=150,
    )


def node_fault(server):
    node = server.nodes[-1]
    fault = Fault(f"Odoo {node.name} killed (kill -9) and restarted")
    count = node.kill()
    fault.detail = f"{count} processes killed"
    server.restart_node(node)
    fault.back = time.time()
    return fault


def primary_fault(settings):
    fault = Fault("PostgreSQL primary restarted (fast shutdown)", True)
    restart_primary(settings)
    fault.back = time.time()
    if settings.replica_port:
        replica_caught_up(
            Database(settings), Database(settings, port=settings.replica_port), 120
        )
        fault.detail = (
            f"the replica streaming again {time.time() - fault.start:.1f} s after"
        )
    return fault


def record_time(text):
    """The wall clock time of a log record (the nodes log local time)."""
    stamp = LOG_TIME.match(text).group(1)
    seconds = time.mktime(time.strptime(stamp[:19], "%Y-%m-%d %H:%M:%S"))
    return seconds + int(stamp[20:]) / 1000


def fault_of_record(faults, text):
    """The fault a log record is about, or None: one logged while a fault
    struck or soon after, or one that tells of a connection cut by the
    primary's restart, logged since (work in flight then fails when it next
    queries: a cron job rendering a PDF may do so a minute later)."""
    moment = record_time(text)
    for fault in reversed(faults):
        start, end = fault.window(LOG_GRACE)
        if start - 1 <= moment <= end:
            return fault
    if CONNECTION_CUT.search(text):
        return next(
            (f for f in reversed(faults) if f.cuts_connections and f.start <= moment),
            None,
        )
    return None


def test_faults_cost_only_requests_in_flight_and_keep_the_invariants(
    server, settings, db, rpc, fault_world, request
):
    world = fault_world
    db.rows("CREATE EXTENSION IF NOT EXISTS pgrowlocks")
    offset = server.log_offset()
    workers = CronWorkers(server, offset)
    faults = []
    # What the servers log about a fault is expected (the autouse fixture
    # checks the rest of the log).
    request.node.tma_log_tolerated = lambda text: bool(fault_of_record(faults, text))
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=1) as runner:
        # The administrators run the expiry of books by hand, not the
        # breaches: the cron workers notify them, so that one can be killed
        # in the middle of a batch.
        load = runner.submit(
            loadrun.run_load, server, settings, world, SECONDS, world["crons"][1:]
        )
        try:
            time.sleep(5)  # everyone logged in and at work
            faults.append(package_build_fault(server, db, rpc, world, workers))
            # Apart, so that what each costs is told apart.
            time.sleep(SPACING)
            faults.append(node_fault(server))
            time.sleep(SPACING)
            faults.append(primary_fault(settings))
            time.sleep(SPACING)
            faults.append(breach_batch_fault(server, settings, db, world, workers))
        finally:
            # Whatever happened, the server runs again for the next tests.
            ensure_primary_running(settings)
            server.ensure_running()
            results = load.result()
    elapsed = time.monotonic() - started
    loadrun.drain_breaches(db, rpc, world["crons"][0])
    loadrun.drain_packages(db, tuple(world["contracts"].values()))

    # What each fault cost the people at work.
    failures = sorted(f for result in results for f in result["failures"])
    served = sorted(s for result in results for s in result["served"])
    lines = [
        f"faults under load: {elapsed:.0f} s, {len(served)} requests served, "
        f"{len(failures)} failed"
    ]
    stray = []
    cost = {fault.name: [] for fault in faults}
    for failure in failures:
        fault = next(
            (
                f
                for f in reversed(faults)
                if failure[1] >= f.start and failure[0] <= f.window(GRACE)[1]
            ),
            None,
        )
        if fault:
            cost[fault.name].append(failure)
        else:
            stray.append(failure)
    logged = [
        fault_of_record(faults, problem) for problem in server.problems_since(offset)
    ]
    for fault in faults:
        first = min((end for start, end in served if start >= fault.start), default=0)
        lines.append(
            f"{fault.name}: {len(cost[fault.name])} failed requests, "
            f"first request served after {first - fault.start:.1f} s, "
            f"back after {fault.back - fault.start:.1f} s, "
            f"{logged.count(fault)} errors logged; {fault.detail}"
        )
        lines += [
            "    " + " ".join(message.split())[:200]
            for _s, _e, message in cost[fault.name][:5]
        ]
    report = "\n".join(lines)
    (settings.artifacts / "faults.txt").write_text(report + "\n", encoding="utf-8")
    print("\n" + report)

    # People saw errors only for requests in flight during a fault.
    assert not stray, "requests failed outside any fault:\n" + "\n".join(
        f"{time.strftime('%H:%M:%S', time.localtime(s))} {m}" for s, _e, m in stray
    )
    # The rules of the load test hold.
    loadrun.check_invariants(server, db, world, results, offset)
