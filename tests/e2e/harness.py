# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the end-to-end tests stand on: a real Odoo in multi-process mode
(HTTP workers and cron workers) behind nginx, as it runs in production, its
database, its log, and JSON-RPC clients.

The test command (``setup/test.sh``) prepares the database and passes the
settings through the environment (see ``Settings``); nothing here installs
anything.
"""

import configparser
import email
import email.policy
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from html import unescape
from pathlib import Path

import psutil
import psycopg2
import requests
from aiosmtpd.controller import Controller

# An Odoo log record: "2026-11-23 06:18:56,481 6246 ERROR db logger: message".
LOG_RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (\d+) (\w+) ")
# A query refused by PostgreSQL's concurrency control, and Odoo replaying it.
CONCURRENCY_ERROR = re.compile(
    r"odoo\.sql_db: bad query.*\nERROR: (could not serialize access|deadlock detected"
    r"|could not obtain lock|lock not available)",
    re.DOTALL,
)
# A query refused by PostgreSQL's concurrency control is no problem when what
# ran it tries again: Odoo replaying a request, or a cron leaving the record
# for its next run.
RETRY = re.compile(
    r"odoo\.service\.model: \w+, \d+ tries left, try again"
    r"|Reversibility package \d+ left for a later run"
    r"|[\w.]+ left for a later run"
)
# Odoo's mail queue (a cron worker) meeting a mail that the request which
# queued it sent and deleted meanwhile (a notification is sent right after
# its request commits, when the queue may have listed it already): the mail
# went out; the queue's other mails go at its next run.
MAIL_SENT_MEANWHILE = re.compile(
    r"Failed processing mail queue.*MissingError: Record does not exist or has "
    r"been deleted\.\n\(Record: mail\.mail\(\d+,\), User: \d+\)\s*$",
    re.DOTALL,
)
# A scheduled action run, by a cron worker ("starting" ... "done in 0.1s") or
# by hand ("started manually" ... "done").
CRON_RUN = re.compile(
    r"odoo\.addons\.base\.models\.ir_cron: Job .* \((?P<id>\d+)\) "
    r"(?P<what>starting|started manually|done)"
)
LOG_TIME = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+) ")
# A request Odoo served, with a replica configured: "... werkzeug: 127.0.0.1 -
# - [date] "GET /my HTTP/1.0" 200 - 12 0.010 0.030 ro" (the last word: the
# cursor it ran on: "ro" the replica, "rw" the primary, "ro->rw" the replica
# then the primary again because it wrote).
REQUEST_MODE = re.compile(
    r'werkzeug: .*"(?P<method>[A-Z]+) (?P<path>\S+) [^"]*" (?P<status>\d+) '
    r".* (?P<mode>ro|rw|ro->rw)$"
)
PROBLEM_LEVELS = ("ERROR", "CRITICAL")
DECIMAL_AS_FLOAT = psycopg2.extensions.new_type(
    psycopg2.extensions.DECIMAL.values,
    "DECIMAL_AS_FLOAT",
    lambda value, _cr: None if value is None else float(value),
)

ENV_HELP = """the end-to-end tests run against an Odoo server they start
themselves; run them through the test command (bash setup/test.sh), which
prepares the database and sets:
  TMA_E2E_CONF       Odoo configuration file (database connection, addons path)
  TMA_E2E_DB         database holding the suite and its demo data
  TMA_E2E_ARTIFACTS  folder for server logs, screenshots and reports
  TMA_E2E_ODOO       command that starts Odoo (one word per line)
and, optionally:
  TMA_E2E_REPLICA_PORT  port of a streaming replica of the database's
                     cluster on 127.0.0.1: the nodes send it the read-only
                     routes (db_replica_host / db_replica_port)
  TMA_E2E_PG_DATA    data directory of the database's cluster, and
  TMA_E2E_PG_CTL     its pg_ctl: the fault tests restart it"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Settings:
    """The settings the test command passes (see ENV_HELP)."""

    def __init__(self, environ=None):
        environ = os.environ if environ is None else environ
        missing = [
            name
            for name in (
                "TMA_E2E_CONF",
                "TMA_E2E_DB",
                "TMA_E2E_ARTIFACTS",
                "TMA_E2E_ODOO",
            )
            if not environ.get(name)
        ]
        if missing:
            raise RuntimeError(f"missing {', '.join(missing)}: {ENV_HELP}")
        self.conf = Path(environ["TMA_E2E_CONF"])
        self.db = environ["TMA_E2E_DB"]
        self.artifacts = Path(environ["TMA_E2E_ARTIFACTS"])
        self.odoo = environ["TMA_E2E_ODOO"].splitlines()
        self.workers = int(environ.get("TMA_E2E_WORKERS", "2"))
        self.cron_workers = int(environ.get("TMA_E2E_CRON_WORKERS", "2"))
        self.nodes = int(environ.get("TMA_E2E_NODES", "2"))
        replica_port = environ.get("TMA_E2E_REPLICA_PORT")
        self.replica_port = int(replica_port) if replica_port else None
        pg_data = environ.get("TMA_E2E_PG_DATA")
        self.pg_data = Path(pg_data) if pg_data else None
        self.pg_ctl = environ.get("TMA_E2E_PG_CTL") or shutil.which("pg_ctl")
        self.chromium = environ.get("TMA_E2E_CHROMIUM") or shutil.which("chromium")
        # The port of the SMTP server the tests listen on (``Mailbox``), set
        # by the fixture that starts it: the nodes send their mail there.
        self.smtp_port = None
        parser = configparser.ConfigParser()
        parser.read(self.conf)
        options = parser["options"]
        self.pg = {
            "host": options.get("db_host", "127.0.0.1"),
            "port": int(options.get("db_port", "5432")),
            "user": options.get("db_user"),
            "password": options.get("db_password"),
        }
        self.artifacts.mkdir(parents=True, exist_ok=True)


class Database:
    """Plain SQL on the e2e database (autocommit): what the tests compare the
    pages with, and the truth the invariants are checked against."""

    def __init__(self, settings, dbname=None, port=None):
        self.settings = settings
        self.dbname = dbname or settings.db
        self.pg = dict(settings.pg, port=port or settings.pg["port"])

    def rows(self, query, params=None):
        """Run ``query`` on a connection of its own, closed at once (the
        database must stay free to be updated or copied)."""
        conn = psycopg2.connect(dbname=self.dbname, **self.pg)
        try:
            conn.autocommit = True
            # numeric columns (balances, units) as floats, as the ORM reads them
            psycopg2.extensions.register_type(DECIMAL_AS_FLOAT, conn)
            with conn.cursor() as cr:
                cr.execute(query, params)
                return cr.fetchall() if cr.description else []
        finally:
            conn.close()

    def value(self, query, params=None):
        rows = self.rows(query, params)
        return rows[0][0] if rows else None

    def xmlid(self, xmlid):
        module, name = xmlid.split(".")
        return self.value(
            "SELECT res_id FROM ir_model_data WHERE module = %s AND name = %s",
            (module, name),
        )


class RpcError(Exception):
    """An error Odoo answered a JSON-RPC call with."""

    def __init__(self, error):
        data = error.get("data") or {}
        self.name = data.get("name", "")
        self.message = data.get("message") or error.get("message", "")
        self.debug = data.get("debug", "")
        super().__init__(f"{self.name}: {self.message}")


class Rpc:
    """A user's JSON-RPC session, the way the web client talks to Odoo."""

    def __init__(self, base_url, db, login, password, after_call=None):
        self.base_url = base_url
        self.login = login
        self.after_call = after_call
        self.http = requests.Session()
        result = self._post(
            "/web/session/authenticate",
            {"db": db, "login": login, "password": password},
        )
        self.uid = result["uid"]
        self.partner_id = result.get("partner_id")

    def _post(self, path, params):
        response = self.http.post(
            self.base_url + path,
            json={"jsonrpc": "2.0", "method": "call", "id": 1, "params": params},
            timeout=600,
        )
        response.raise_for_status()
        payload = response.json()
        if payload.get("error"):
            raise RpcError(payload["error"])
        # Odoo leaves the result out of the answer when it is None.
        return payload.get("result")

    def call(self, model, method, *args, **kwargs):
        result = self._post(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )
        if self.after_call:
            self.after_call()
        return result


class OdooNode:
    """One Odoo process in multi-process mode: its HTTP workers, its cron
    workers and its gevent (websocket) process, with a log of its own."""

    def __init__(self, settings, folder, name):
        self.settings = settings
        self.name = name
        self.dir = folder / name
        self.dir.mkdir(parents=True, exist_ok=True)
        self.log_path = self.dir / "odoo-server.log"
        self.proc = None
        self.http_port = self.gevent_port = None
        self.started_with = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.http_port}"

    def start(self, db, workers, cron_workers, same_ports=False):
        """Start the node; ``same_ports``: on the ports it had (a restart
        behind the same balancer)."""
        if not (same_ports and self.http_port):
            self.http_port, self.gevent_port = free_port(), free_port()
        self.started_with = (db, workers, cron_workers)
        command = [
            *self.settings.odoo,
            "-c",
            str(self.settings.conf),
            "-d",
            db,
            "--db-filter",
            f"^{re.escape(db)}$",
            "--workers",
            str(workers),
            "--max-cron-threads",
            str(cron_workers),
            "--http-interface",
            "127.0.0.1",
            "--http-port",
            str(self.http_port),
            "--gevent-port",
            str(self.gevent_port),
            "--proxy-mode",
            "--limit-time-real",
            "900",
            "--limit-time-cpu",
            "600",
            "--log-level",
            "info",
            "--logfile",
            str(self.log_path),
        ]
        if self.settings.smtp_port:
            command += [
                "--smtp",
                "127.0.0.1",
                "--smtp-port",
                str(self.settings.smtp_port),
            ]
        if self.settings.replica_port:
            command += [
                "--db_replica_host",
                "127.0.0.1",
                "--db_replica_port",
                str(self.settings.replica_port),
            ]
        with open(self.dir / "command.txt", "a", encoding="utf-8") as f:
            f.write(" ".join(command) + "\n")
        self.proc = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=open(self.dir / "odoo-stderr.log", "ab"),  # noqa: SIM115
            start_new_session=True,
        )

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def processes(self):
        """The node's processes: the main one and its descendants (HTTP
        workers, cron workers, the gevent process, wkhtmltopdf)."""
        try:
            main = psutil.Process(self.proc.pid)
            return [main, *main.children(recursive=True)]
        except (psutil.NoSuchProcess, AttributeError):
            return []

    def kill(self):
        """``kill -9`` every process of the node (its process group: the node
        runs in a session of its own); returns how many there were."""
        count = len(self.processes())
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(30)
        return count

    def restart(self):
        """Start the node again as it was started, on the same ports."""
        self.start(*self.started_with, same_ports=True)

    def log_size(self):
        try:
            return self.log_path.stat().st_size
        except FileNotFoundError:
            return 0

    def log_since(self, offset):
        try:
            with open(self.log_path, "rb") as f:
                f.seek(offset)
                return f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""


class Mail:
    """A message the SMTP server received: its envelope and its parsed
    content (``email.message.EmailMessage``)."""

    def __init__(self, mail_from, rcpt_tos, content):
        self.mail_from = mail_from
        self.rcpt_tos = [address.lower() for address in rcpt_tos]
        self.raw = content
        self.message = email.message_from_bytes(content, policy=email.policy.default)

    @property
    def subject(self):
        return str(self.message["Subject"] or "")

    @property
    def html(self):
        part = self.message.get_body(("html", "plain"))
        return part.get_content() if part else ""

    @property
    def links(self):
        """The addresses of the HTML body's links."""
        return [unescape(link) for link in re.findall(r'href="([^"]+)"', self.html)]

    @property
    def attachments(self):
        """{file name: (content type, bytes)}."""
        return {
            part.get_filename(): (part.get_content_type(), part.get_content())
            for part in self.message.iter_attachments()
        }

    def __repr__(self):
        return f"<Mail to {self.rcpt_tos}: {self.subject!r}>"


class Mailbox:
    """A real SMTP server on 127.0.0.1, in a thread of the test process (the
    Odoo nodes' outgoing server): it keeps every message it receives, in
    memory and as an ``.eml`` file in ``folder``."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.received = []
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, _server, _session, envelope):  # noqa: N802 - aiosmtpd's hook
        mail = Mail(envelope.mail_from, envelope.rcpt_tos, envelope.content)
        self.received.append(mail)
        name = f"{len(self.received):04d}.eml"
        (self.folder / name).write_bytes(envelope.content)
        return "250 Message accepted for delivery"

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()

    def to(self, address, since=0):
        """The messages received for ``address`` (an envelope recipient)
        after the first ``since`` ones."""
        address = address.lower()
        return [mail for mail in self.received[since:] if address in mail.rcpt_tos]

    def wait(self, address, match="", since=0, timeout=90, send_queue=None):
        """The first message for ``address`` received after the first
        ``since`` ones whose subject contains ``match`` (or for which
        ``match``, a function, is true). ``send_queue`` (a function) is
        called first: it sends the mail queue, as its cron would
        (notifications leave at once, after their transaction)."""
        if send_queue is not None:
            send_queue()
        matches = match if callable(match) else lambda subject: match in subject
        try:
            return wait_for(
                lambda: next(
                    (m for m in self.to(address, since) if matches(m.subject)), None
                ),
                timeout=timeout,
                interval=0.5,
                message=f"a mail to {address} ({match or 'any subject'!r})",
            )
        except AssertionError as error:
            raise AssertionError(
                f"{error}; received since: {self.received[since:]}"
            ) from None


class OdooServer:
    """Odoo as it runs in production when it outgrows one process: several
    nodes (``TMA_E2E_NODES``, default 2), each in multi-process mode (HTTP
    workers and cron workers), on one PostgreSQL database and one filestore
    (the same ``data_dir``, which also holds the HTTP sessions), behind nginx,
    which balances the requests between the nodes and sends ``/websocket`` to
    their gevent ports. The nodes' logs are files the tests read; offsets in
    them are per node."""

    def __init__(self, settings, name="server"):
        self.settings = settings
        self.name = name
        self.dir = settings.artifacts / name
        self.dir.mkdir(parents=True, exist_ok=True)
        self.nodes = [
            OdooNode(settings, self.dir, f"node{index + 1}")
            for index in range(settings.nodes)
        ]
        self.nginx = None
        self.port = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self):
        """The log of each node (for messages)."""
        return ", ".join(str(node.log_path) for node in self.nodes)

    # ------------------------------------------------------------------
    # Processes
    # ------------------------------------------------------------------
    def start(self, db=None, workers=None, cron_workers=None, timeout=180):
        s = self.settings
        self.port = free_port()
        db = db or s.db
        self._set_report_url(db)
        for node in self.nodes:
            node.start(
                db,
                s.workers if workers is None else workers,
                s.cron_workers if cron_workers is None else cron_workers,
            )
        self._start_nginx()
        self._wait_ready(timeout)
        return self

    def _set_report_url(self, db):
        """As in production behind a proxy: wkhtmltopdf fetches the reports'
        styles from the nodes through the balancer (``report.url``), not from
        the public address."""
        Database(self.settings, db).rows(
            """INSERT INTO ir_config_parameter
                      (key, value, create_uid, write_uid, create_date, write_date)
               VALUES ('report.url', %s, 1, 1, now(), now())
               ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value
               RETURNING id""",
            (self.url,),
        )

    def _start_nginx(self):
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        root = self.dir / "nginx"
        temp = root / "temp"
        temp.mkdir(parents=True, exist_ok=True)
        # nginx's workers run as `nobody` when the master runs as root.
        os.chmod(root, 0o777)
        os.chmod(temp, 0o777)
        http = "".join(f"server 127.0.0.1:{node.http_port}; " for node in self.nodes)
        chat = "".join(f"server 127.0.0.1:{node.gevent_port}; " for node in self.nodes)
        conf = root / "nginx.conf"
        conf.write_text(
            f"""daemon off;
worker_processes 2;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    log_format upstream '$remote_addr [$time_local] "$request" $status '
                        'upstream=$upstream_addr';
    access_log {root}/access.log upstream;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    client_max_body_size 200m;
    proxy_read_timeout 900s;
    proxy_buffering off;
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        '' close;
    }}
    # Round robin: the nodes share the sessions (filestore), no stickiness.
    upstream odoo {{ {http}}}
    upstream odoochat {{ {chat}}}
    server {{
        listen 127.0.0.1:{self.port};
        proxy_set_header Host $http_host;
        proxy_set_header X-Forwarded-Host $http_host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_set_header X-Real-IP $remote_addr;
        location /websocket {{
            proxy_pass http://odoochat;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
        location / {{
            proxy_pass http://odoo;
        }}
    }}
}}
""",
            encoding="utf-8",
        )
        self.nginx = subprocess.Popen(
            [nginx, "-c", str(conf), "-p", str(root)],
            stdout=subprocess.DEVNULL,
            stderr=open(root / "stderr.log", "ab"),  # noqa: SIM115
            start_new_session=True,
        )

    def restart_node(self, node, timeout=180):
        """Start a node that was killed again, behind the same balancer, and
        wait until it answers."""
        node.restart()
        self._wait_ready(timeout, [node])

    def ensure_running(self, timeout=180):
        """Start again every node that is not running (after a fault)."""
        stopped = [node for node in self.nodes if not node.running()]
        for node in stopped:
            node.restart()
        if stopped:
            self._wait_ready(timeout, stopped)
        return stopped

    def _wait_ready(self, timeout, nodes=None):
        """Every node (of ``nodes``) answers (directly), then the balancer."""
        deadline = time.monotonic() + timeout
        pending = [node.url for node in nodes or self.nodes] + [self.url]
        last = None
        while pending and time.monotonic() < deadline:
            for node in self.nodes:
                if node.proc.poll() is not None:
                    raise RuntimeError(
                        f"Odoo {node.name} exited with code {node.proc.returncode} "
                        f"at start; log: {node.log_path}\n{self.log_tail()}"
                    )
            if self.nginx.poll() is not None:
                raise RuntimeError(
                    f"nginx exited with code {self.nginx.returncode}; "
                    f"see {self.dir / 'nginx'}"
                )
            url = pending[0]
            try:
                response = requests.get(url + "/web/health", timeout=5)
                if response.status_code == 200:
                    # The registry is loaded by the first request of a database.
                    response = requests.get(url + "/web/login", timeout=120)
                    if response.status_code == 200:
                        pending.pop(0)
                        continue
                last = response.status_code
            except requests.RequestException as error:
                last = error
            time.sleep(0.5)
        if pending:
            raise RuntimeError(
                f"Odoo did not answer at {pending[0]} in {timeout} s (last: {last}); "
                f"log: {self.log_path}\n{self.log_tail()}"
            )

    def stop(self, timeout=60):
        procs = [(self.nginx, signal.SIGQUIT)] + [
            (node.proc, signal.SIGTERM) for node in self.nodes
        ]
        for proc, sig in procs:
            if proc is None or proc.poll() is not None:
                continue
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                continue
        for proc, _sig in procs:
            if proc is None:
                continue
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait(10)
        self.nginx = None
        for node in self.nodes:
            node.proc = None

    # ------------------------------------------------------------------
    # Logs (one per node; an offset is a tuple of per-node offsets)
    # ------------------------------------------------------------------
    def log_offset(self):
        return tuple(node.log_size() for node in self.nodes)

    def _offsets(self, offset):
        if isinstance(offset, int):  # from the start of every log
            return (offset,) * len(self.nodes)
        return offset

    def log_since(self, offset):
        """What every node logged since ``offset``, node after node."""
        return "".join(
            node.log_since(start)
            for node, start in zip(self.nodes, self._offsets(offset), strict=True)
        )

    def log_tail(self, lines=40):
        return "\n".join(
            f"--- {node.name}\n" + "\n".join(node.log_since(0).splitlines()[-lines:])
            for node in self.nodes
        )

    def records_since(self, offset):
        """The log records since ``offset``: (pid, level, text with the lines
        that follow the record, such as its traceback), node after node (the
        process ids tell the processes apart)."""
        records = []
        for node, start in zip(self.nodes, self._offsets(offset), strict=True):
            node_records = []
            for line in node.log_since(start).splitlines():
                match = LOG_RECORD.match(line)
                if match:
                    node_records.append([match.group(1), match.group(2), line])
                elif node_records:
                    node_records[-1][2] += "\n" + line
            records += node_records
        return records

    def problems_since(self, offset):
        """ERROR and CRITICAL records logged since ``offset``, each with its
        traceback. A query that failed on a concurrency conflict is no problem
        when the same worker then replays the request (Odoo logs the failed
        query at ERROR, then "SERIALIZATION_FAILURE, n tries left"); a replay
        that never succeeds ends in an unhandled error, which is one."""
        records = self.records_since(offset)
        problems = []
        for index, (pid, level, text) in enumerate(records):
            if level not in PROBLEM_LEVELS:
                continue
            if CONCURRENCY_ERROR.search(text) and any(
                other_pid == pid and RETRY.search(other_text)
                for other_pid, _level, other_text in records[index + 1 : index + 200]
            ):
                continue
            if MAIL_SENT_MEANWHILE.search(text):
                continue
            problems.append(text)
        return problems

    def cron_runs_since(self, offset):
        """Every run of a scheduled action since ``offset``, on any node, by a
        cron worker or by hand: (cron id, pid, start, end) with the times of
        the log records (a run that did not end is left out)."""
        runs, started = [], {}
        for pid, _level, text in self.records_since(offset):
            match = CRON_RUN.search(text)
            if not match:
                continue
            cron_id, what = int(match.group("id")), match.group("what")
            moment = LOG_TIME.match(text).group(1)
            if what in ("starting", "started manually"):
                started[pid, cron_id] = moment
            elif (pid, cron_id) in started:
                runs.append((cron_id, pid, started.pop((pid, cron_id)), moment))
        return runs

    def requests_by_mode(self, offset=0):
        """The requests served since ``offset``, by the cursor they ran on
        (with a replica): ``{"ro": [(method, path, status)...], "rw": [...],
        "ro->rw": [...]}``."""
        served = {"ro": [], "rw": [], "ro->rw": []}
        for _pid, _level, text in self.records_since(offset):
            match = REQUEST_MODE.search(text.splitlines()[0])
            if match:
                served[match.group("mode")].append(
                    (match.group("method"), match.group("path"), match.group("status"))
                )
        return served

    def requests_per_node(self):
        """How many requests nginx sent to each node (by upstream address)."""
        counts = {node.name: 0 for node in self.nodes}
        names = {f"127.0.0.1:{node.http_port}": node.name for node in self.nodes}
        try:
            text = (self.dir / "nginx" / "access.log").read_text("utf-8", "replace")
        except FileNotFoundError:
            return counts
        for address in re.findall(r"upstream=(\S+)", text):
            name = names.get(address.rstrip(","))
            if name:
                counts[name] += 1
        return counts


def _as_cluster_owner(command):
    """As root, PostgreSQL's commands run as the cluster's owner."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def _pg_ctl(settings, action, *options, timeout=60):
    """``pg_ctl <action>`` on the database's cluster (its log where the test
    command keeps it), waiting ``timeout`` seconds at most."""
    if not settings.pg_data or not settings.pg_ctl:
        raise RuntimeError(f"TMA_E2E_PG_DATA and TMA_E2E_PG_CTL unset: {ENV_HELP}")
    data = settings.pg_data
    command = [settings.pg_ctl, "-D", str(data)]
    command += ["-l", str(data.parent / "postgresql.log"), *options]
    command += ["-w", "-t", str(timeout), action]
    _run(_as_cluster_owner(command), f"pg_ctl {action}", timeout=timeout + 30)


def restart_primary(settings, timeout=60):
    """Restart the database's cluster with a fast shutdown (``pg_ctl restart
    -m fast``: open transactions rolled back, every connection closed), with
    the options it was started with; returns when it accepts connections."""
    _pg_ctl(settings, "restart", "-m", "fast", timeout=timeout)


def ensure_primary_running(settings, timeout=60):
    """Start the database's cluster when a fault left it stopped, with the
    options it last ran with (``postmaster.opts``); returns whether it had
    to."""
    if not settings.pg_data or not settings.pg_ctl:
        return False
    data = settings.pg_data
    status = subprocess.run(
        _as_cluster_owner([settings.pg_ctl, "-D", str(data), "status"]),
        capture_output=True,
        check=False,
    )
    if status.returncode == 0:
        return False
    # "/usr/lib/postgresql/15/bin/postgres" "-D" "<data>" "-p" "55445" ...
    args = shlex.split((data / "postmaster.opts").read_text(encoding="utf-8"))[1:]
    if args[:1] == ["-D"]:
        args = args[2:]
    _pg_ctl(settings, "start", "-o", shlex.join(args), timeout=timeout)
    return True


def replica_caught_up(primary, replica, timeout=60):
    """Wait until ``replica`` (a Database on the replica) has replayed all
    that ``primary`` wrote until now."""
    # The insert position: with synchronous_commit off, a commit just
    # acknowledged may not be written out yet (pg_current_wal_lsn is behind).
    lsn = primary.value("SELECT pg_current_wal_insert_lsn()::text")
    _poll(
        lambda: replica.value("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (lsn,)),
        timeout,
        0.02,
        "the replica to catch up",
    )


def faketime_lib():
    """Debian's libfaketime (the test command installs it), or None."""
    for pattern in (
        "/usr/lib/*/faketime/libfaketime.so.1",
        "/usr/lib/faketime/libfaketime.so.1",
    ):
        found = sorted(Path("/").glob(pattern.lstrip("/")))
        if found:
            return str(found[0])
    return None


def noon_clock():
    """The environment that runs a process with its clock at noon UTC of
    today (running on from there): the day is the same in UTC and in Paris,
    which an hour or two before midnight UTC it is not."""
    lib = faketime_lib()
    assert lib, "libfaketime not found (Debian's package faketime)"
    today = time.strftime("%Y-%m-%d", time.gmtime())
    return {
        "LD_PRELOAD": lib,
        "FAKETIME": f"@{today} 12:00:00",
        "FAKETIME_DONT_FAKE_MONOTONIC": "1",
        "TZ": "UTC",
    }


# Called with no argument once wait_for() has seen its condition (conftest
# registers the replica's catch-up when the nodes read from a replica).
SETTLED = []


def wait_for(check, timeout=30, interval=0.25, message="condition"):
    """Poll ``check()`` until it returns something true; return that.

    What a test waits for on the primary (a cron worker's package, a mail
    queued by another session) a person then reads in a page, maybe served
    by the replica: once seen, the ``SETTLED`` hooks run (the replica
    catches up), as people are slower than a replica's lag. Read-your-writes
    after a person's own write is tested with the replay paused
    (test_replica.py), not through this."""
    result = _poll(check, timeout, interval, message)
    for hook in SETTLED:
        hook()
    return result


def _poll(check, timeout, interval, message):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {message}")
        time.sleep(interval)


def _run(command, label, log=None, timeout=1800, env=None):
    """Run ``command`` (with ``env`` added to the environment), keep its
    output in ``log``; return the completed process, or raise with the end
    of its output when it fails."""
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, **env} if env else None,
    )
    output = result.stdout + result.stderr
    if log:
        Path(log).write_text(output, encoding="utf-8")
    if result.returncode:
        tail = "\n".join(output.splitlines()[-40:])
        raise RuntimeError(f"{label} exited {result.returncode}\n{tail}")
    return result


def odoo_run(settings, *args, log=None, timeout=1800, env=None):
    """Run Odoo once (``--stop-after-init``) and return its output."""
    command = [*settings.odoo, "-c", str(settings.conf), *args, "--stop-after-init"]
    result = _run(command, f"odoo {' '.join(args)}", log, timeout, env)
    return result.stdout + result.stderr


def odoo_script(settings, db, code, log=None, timeout=1800):
    """Run Python ``code`` with ``env`` (superuser) on ``db``, committed at the
    end, in a process of its own; returns the value it leaves in ``result``
    (as JSON)."""
    runner = f"""
import json
import odoo
from odoo import SUPERUSER_ID, api
odoo.tools.config.parse_config(["-c", {str(settings.conf)!r}])
registry = odoo.modules.registry.Registry.new({db!r})
with registry.cursor() as cr:
    env = api.Environment(cr, SUPERUSER_ID, {{}})
    result = None
{_indent(code, 4)}
    cr.commit()
print("@@RESULT@@" + json.dumps(result, default=str))
"""
    result = _run([sys.executable, "-c", runner], f"script on {db}", log, timeout)
    return json.loads(result.stdout.rpartition("@@RESULT@@")[2])


def _indent(code, spaces):
    pad = " " * spaces
    return "\n".join(pad + line if line.strip() else line for line in code.splitlines())
