#!/usr/bin/env python3
# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Benchmark of tma_reversibility: prints figures, asserts nothing about time.

Usage: python3 benchmarks/bench_tma_reversibility.py -c ODOO_CONF -d DB
       [--sizes 10000,100000] [--documents 1000]

The database must have tma_reversibility installed; the benchmark commits its
own data (prefixed "BENCH") into it, so use a throwaway database
(``bash setup/bench.sh reversibility`` creates one).

For each size, one contract with that many tickets (200 created through the
ORM, the rest copied by SQL), two messages per ticket (by SQL) and
``--documents`` register documents of 8 KB each (through the ORM). The
messages are comments the client sees in its portal: they are in the
package's History sheet. Measures the
package build (``_build``: workbook streamed from PostgreSQL, documents, PDF,
ZIP, manifest) against PostgreSQL's ``COPY (…) TO STDOUT`` of the same rows
(the workbook's queries), and the build's memory: the peak of Python
allocations (tracemalloc, in a second build: it slows Python down, the timed
build runs without it) and the process's peak RSS.
"""

import argparse
import base64
import io
import logging
import resource
import time
import tracemalloc

from bench_common import copy_tickets

import odoo
from odoo import fields
from odoo.sql_db import db_connect
from odoo.tools import SQL


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--documents", type=int, default=1000)
    return parser.parse_args()


class Sink(io.RawIOBase):
    """Counts what COPY writes, keeps nothing."""

    def __init__(self):
        self.size = 0

    def writable(self):
        return True

    def write(self, data):
        self.size += len(data)
        return len(data)


def copy_package_rows(env, contract_id):
    """PostgreSQL's ``COPY (…) TO STDOUT`` of the rows the package of
    ``contract_id`` holds (the queries of its workbook's sheets), into a sink
    that keeps nothing: (seconds, bytes)."""
    from odoo.addons.tma_reversibility.models.tma_reversibility_package_writer import (  # noqa: E501
        PackageWriter,
    )

    package = env["tma.reversibility.package"].new({"contract_id": contract_id})
    start = time.perf_counter()
    size = 0
    for _title, _header, query in PackageWriter(package).sheets():
        if not isinstance(query, SQL):
            continue  # rows a method gives (register, KPIs): no COPY
        sink = Sink()
        env.cr._obj.copy_expert(
            env.cr._obj.mogrify(
                f"COPY ({query.code}) TO STDOUT", query.params
            ).decode(),
            sink,
        )
        size += sink.size
    return time.perf_counter() - start, size


class Bench:
    def __init__(self, dbname):
        self.dbname = dbname
        self.registry = odoo.modules.registry.Registry(dbname)
        from odoo.addons.tma_contract.tools import workers as common

        self._committed_env = common.committed_env

    def run(self, func):
        with db_connect(self.dbname).cursor() as cr:
            env = self._committed_env(self.registry, cr)
            result = func(env)
            env.flush_all()
            cr.commit()  # pylint: disable=invalid-commit
        return result

    def setup(self, env, size, documents):
        partner = env["res.partner"].create(
            {"name": f"BENCH client {size}", "is_company": True}
        )
        contract = env["tma.contract"].create(
            {
                "partner_id": partner.id,
                "mode": "ticket_book",
                "date_start": fields.Date.today(),
            }
        )
        contract.action_activate()
        Ticket = env["helpdesk.ticket"].with_context(
            tracking_disable=True, mail_create_nolog=True, mail_notrack=True
        )
        seed = Ticket.create(
            [
                {
                    "name": f"BENCH ticket {i}",
                    "description": "<p>Something to fix in the application.</p>",
                    "partner_id": partner.id,
                    "tma_contract_id": contract.id,
                }
                for i in range(200)
            ]
        )
        env.flush_all()
        copy_tickets(env.cr, seed.ids, size - 200)
        # Comments the client sees in its portal, hence in its package.
        env.cr.execute(
            """INSERT INTO mail_message (model, res_id, body, message_type,
                                         subtype_id, date, author_id,
                                         create_date, write_date)
               SELECT 'helpdesk.ticket', t.id,
                      '<p>Analysis of the ticket, with the <b>steps</b> to '
                      || 'reproduce &amp; fix.</p>',
                      'comment', %s, now(), %s, now(), now()
                 FROM helpdesk_ticket t
                 JOIN generate_series(1, 2) g ON TRUE
                WHERE t.tma_contract_id = %s""",
            (env.ref("mail.mt_comment").id, partner.id, contract.id),
        )
        payload = base64.b64encode(b"x" * 8192)
        env["tma.document"].create(
            [
                {
                    "contract_id": contract.id,
                    "name": f"BENCH document {i}",
                    "doc_type": "other",
                    "file": payload,
                    "file_name": f"doc-{i}.txt",
                }
                for i in range(documents)
            ]
        )
        env.cr.execute("ANALYZE helpdesk_ticket")
        env.cr.execute("ANALYZE mail_message")
        return contract.id

    def copy_out(self, env, contract_id):
        return copy_package_rows(env, contract_id)

    def build(self, env, contract_id):
        """Build the package twice: timed, then under tracemalloc (which
        slows every allocation down) for its peak of Python allocations."""
        Package = env["tma.reversibility.package"]
        package = Package.create({"contract_id": contract_id})
        start = time.perf_counter()
        package._build()
        seconds = time.perf_counter() - start
        again = Package.create({"contract_id": contract_id})
        tracemalloc.start()
        again._build()
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return seconds, peak, package.size, package.file_count


def main():
    args = parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    logging.getLogger("odoo").setLevel(logging.WARNING)
    bench = Bench(args.database)
    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        print(f"set-up: {size} tickets, {args.documents} documents", flush=True)
        contract_id = bench.run(lambda env, n=size: bench.setup(env, n, args.documents))
        copy_s, copy_bytes = bench.run(
            lambda env, c=contract_id: bench.copy_out(env, c)
        )
        build_s, peak, zip_size, files = bench.run(
            lambda env, c=contract_id: bench.build(env, c)
        )
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rows.append((size, build_s, copy_s, copy_bytes, peak, rss, zip_size, files))
        print(f"  package {build_s:.1f} s, COPY {copy_s:.2f} s", flush=True)
    print(
        "\n| tickets | documents | package build s | COPY of the same rows s | ratio | "
        "peak Python allocations | process peak RSS | ZIP | files |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size, build_s, copy_s, copy_bytes, peak, rss, zip_size, files in rows:
        print(
            f"| {size} | {args.documents} | {build_s:.1f} | {copy_s:.2f} "
            f"({copy_bytes / 1e6:.0f} MB) | {build_s / copy_s:.0f}× | "
            f"{peak / 1e6:.1f} MB | {rss:.0f} MB | {zip_size / 1e6:.1f} MB | {files} |"
        )


if __name__ == "__main__":
    main()
