# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The writer of a reversibility package: the files it holds (the workbook,
the PDF summary, the journal of acts, the register's documents), the
manifest of their SHA-256 and the ZIP. Plain Python: the package's job
(``tma.reversibility.package``) calls it, and stores and notifies what it
wrote."""

import base64
import hashlib
import json
import os
import zipfile
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter

from odoo import _, fields
from odoo.osv import expression
from odoo.tools import SQL

from odoo.addons.tma_contract.models.utils import sql_selection, sql_translated
from odoo.addons.tma_contract.tools.verify_journal import JOURNAL_PATH, canonical_json

from .utils import FETCH, sql_html_to_text

# The files the package holds compressed already: stored as they are.
STORED = ("workbook.xlsx", "summary.pdf")


class PackageWriter:
    """Writes the files of ``package`` (a ``tma.reversibility.package``) in
    the language of its environment: the job gives it the client's.

    Everything the client needs to take its application back: a workbook of
    the tickets and the history the client sees in its portal, the ledger,
    the checklist (and the SLA timers when tma_sla is installed), every
    register document, the journal of acts and a PDF summary, and a JSON
    manifest with the SHA-256 of every file."""

    def __init__(self, package):
        package.ensure_one()
        self.package = package
        self.env = package.env
        self.contract = package.contract_id

    # ------------------------------------------------------------------
    # The archive
    # ------------------------------------------------------------------
    @staticmethod
    def content_digest(files):
        """The data's digest of ``files`` (``write_files``' result): the PDF
        summary is left out, its renderer stamps the time of generation in
        it."""
        return hashlib.sha256(
            "\n".join(
                f"{path} {sha}" for path, sha, _size in files if path != "summary.pdf"
            ).encode()
        ).hexdigest()

    def write_archive(self, tmp, files):
        """Write the ZIP of ``files`` (written under ``tmp``/files by
        ``write_files``) with its manifest; return the ZIP's path and the
        manifest's text."""
        manifest = {
            "contract": self.contract.name,
            "client": self.contract.partner_id.display_name,
            "period": {
                "start": fields.Date.to_string(self.contract.date_start),
                "end": fields.Date.to_string(self.contract.date_end),
            },
            "generated_at": fields.Datetime.to_string(fields.Datetime.now()),
            "files": [
                {"path": path, "sha256": sha, "size": size} for path, sha, size in files
            ],
        }
        manifest_text = json.dumps(manifest, indent=2, ensure_ascii=False)
        zip_path = os.path.join(tmp, "package.zip")
        with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("manifest.json", manifest_text)
            for path, _sha, _size in files:
                # The workbook and the PDF are compressed already.
                archive.write(
                    os.path.join(tmp, "files", path),
                    path,
                    zipfile.ZIP_STORED if path in STORED else zipfile.ZIP_DEFLATED,
                )
        return zip_path, manifest_text

    # ------------------------------------------------------------------
    # The files
    # ------------------------------------------------------------------
    def write_files(self, tmp):
        """Write the package's files under ``tmp``/files; return their
        (path, sha256, size), sorted by path."""
        root = os.path.join(tmp, "files")
        os.makedirs(os.path.join(root, "documents"))
        self._write_workbook(os.path.join(root, "workbook.xlsx"))
        self._write_summary(os.path.join(root, "summary.pdf"))
        self._write_journal(os.path.join(root, JOURNAL_PATH))
        documents = self.contract.with_context(active_test=False).document_ids
        for start in range(0, len(documents), FETCH):
            batch = documents[start : start + FETCH]
            paths = batch._package_paths()
            for document in batch.filtered(lambda d, paths=paths: d.id in paths):
                with open(os.path.join(root, paths[document.id]), "wb") as f:
                    f.write(base64.b64decode(document.file))
                document.invalidate_recordset(["file"])
        files = []
        for folder, _dirs, names in os.walk(root):
            for name in names:
                full = os.path.join(folder, name)
                digest = hashlib.sha256()
                with open(full, "rb") as handle:
                    for block in iter(lambda h=handle: h.read(1 << 20), b""):
                        digest.update(block)
                files.append(
                    (
                        os.path.relpath(full, root),
                        digest.hexdigest(),
                        os.path.getsize(full),
                    )
                )
        return sorted(files)

    def _write_journal(self, path):
        """The contract's journal of acts as JSON Lines: one entry a line,
        its hashed fields and its hash, so that anyone re-verifies the chain
        without Odoo (``tma_contract/tools/verify_journal.py``)."""
        entries = self.env["tma.act.journal"].sudo()._tma_export_entries(self.contract)
        with open(path, "w", encoding="utf-8") as handle:
            for entry in entries:
                handle.write(canonical_json(entry) + "\n")

    def _journal_rows(self):
        """Rows of the journal of acts sheet: every entry, in order, with the
        record it concerns and the act in the package's language."""
        entries = (
            self.env["tma.act.journal"]
            .sudo()
            .search([("contract_id", "=", self.contract.id)], order="sequence")
        )
        records = {}
        for model in set(entries.mapped("res_model")):
            if model not in self.env:
                continue
            ids = entries.filtered(lambda e, m=model: e.res_model == m).mapped("res_id")
            for record in self.env[model].sudo().browse(ids).exists():
                records[model, record.id] = record
        for entry in entries:
            record = records.get((entry.res_model, entry.res_id))
            yield (
                entry.sequence,
                entry.recorded_on,
                record._tma_act_label(entry.code)
                if record is not None and hasattr(record, "_tma_act_label")
                else entry.code,
                record.display_name
                if record is not None
                else f"{entry.res_model},{entry.res_id}",
                entry.partner_id.display_name,
                entry.actor_partner_id.display_name or None,
                entry.user_id.name or None,
                entry.on_behalf_reason or None,
                entry.inalterable_hash,
            )

    def _write_summary(self, path):
        content, _fmt = (
            self.env["ir.actions.report"]
            .sudo()
            ._render_qweb_pdf(
                "tma_reversibility.action_report_tma_package", self.package.ids
            )
        )
        with open(path, "wb") as handle:
            handle.write(content)

    def _client_message_ids(self):
        """SQL selecting the ids of the ticket messages the client sees in its
        portal, built from the portal's own rules: the chatter's messages
        (``website_message_ids``), what a non-employee may read
        (``mail.message._get_search_domain_share``: no internal note, no
        internal subtype) and the chatter's fetch filter
        (``portal/controllers/mail.py``). Staff-only notes stay out."""
        Ticket = self.env["helpdesk.ticket"]
        Message = self.env["mail.message"].sudo()
        domain = expression.AND(
            [
                Ticket._fields["website_message_ids"].get_domain_list(Ticket),
                Message._get_search_domain_share(),
                [
                    "|",
                    ("body", "!=", ""),
                    ("attachment_ids", "!=", False),
                    ("subtype_id", "=", self.env.ref("mail.mt_comment").id),
                ],
            ]
        )
        return Message._where_calc(domain).subselect()

    def _sql_translated(self, column):
        """SQL of a translated field's ``column`` in the package's language."""
        return sql_translated(self.env, column)

    def _sql_selection(self, model, field, column):
        """SQL of a selection's label in the package's language."""
        return sql_selection(self.env, model, field, column)

    def _register_rows(self):
        """Rows of the documentation register sheet: every document, with the
        path of its file in the package (or its link), read in batches."""
        types = dict(
            self.env["tma.document"]
            ._fields["doc_type"]
            ._description_selection(self.env)
        )
        documents = self.contract.with_context(active_test=False).document_ids
        for start in range(0, len(documents), FETCH):
            batch = documents[start : start + FETCH]
            paths = batch._package_paths()
            for document in batch.with_context(bin_size=True):
                yield (
                    document.name,
                    types.get(document.doc_type),
                    document.version,
                    document.date,
                    document.next_review_date or None,
                    document.application_id.display_name or None,
                    document.environment_id.display_name or None,
                    paths.get(document.id) or document.url or None,
                    not document.active,
                )
            batch.invalidate_recordset()

    def _kpi_rows(self):
        """Rows of the KPI sheet: each month of the contract's life, up to
        today, with the indicators the installed addons give
        (``tma.contract._tma_export_kpi_rows``)."""
        contract = self.contract
        date_from = contract.date_start
        date_to = contract._tma_today()
        if contract.date_end:
            date_to = min(date_to, contract.date_end)
        if not date_from or date_from > date_to:
            return
        for month, indicator, value in contract._tma_export_kpi_rows(
            date_from, date_to
        ):
            yield month.strftime("%Y-%m"), indicator, value

    def sheets(self):
        """(sheet name, header, rows) of the workbook, rows being SQL (read
        through a server-side cursor) or a method returning an iterator. The
        package is the client's: every sheet holds what the client sees in
        its portal, and nothing else (no internal note, no timesheet the
        portal hides, no escalation)."""
        contract = self.contract.id
        sheets = [
            (
                _("Tickets"),
                [
                    _("Number"),
                    _("Title"),
                    _("Stage"),
                    _("Priority"),
                    _("Created"),
                    _("Closed"),
                    _("Maintenance type"),
                    _("Units consumed"),
                ],
                SQL(
                    """SELECT t.number, t.name, %s, %s,
                              t.create_date, t.closed_date, %s,
                              (SELECT COALESCE(sum(e.consumed_units), 0)
                                 FROM tma_unit_entry e WHERE e.ticket_id = t.id)
                         FROM helpdesk_ticket t
                         LEFT JOIN helpdesk_ticket_stage s ON s.id = t.stage_id
                         LEFT JOIN tma_maintenance_type m
                                ON m.id = t.tma_maintenance_type_id
                        WHERE t.tma_contract_id = %s AND t.active
                        ORDER BY t.id""",
                    self._sql_translated(SQL("s.name")),
                    self._sql_selection(
                        "helpdesk.ticket", "priority", SQL("t.priority")
                    ),
                    self._sql_translated(SQL("m.name")),
                    contract,
                ),
            ),
            (
                _("History"),
                [_("Ticket"), _("Date"), _("Author"), _("Type"), _("Message")],
                SQL(
                    """SELECT t.number, m.date, p.name, %s, %s
                         FROM mail_message m
                         JOIN helpdesk_ticket t ON t.id = m.res_id
                         LEFT JOIN res_partner p ON p.id = m.author_id
                        WHERE m.model = 'helpdesk.ticket'
                          AND t.tma_contract_id = %s AND t.active
                          AND m.id IN %s
                        ORDER BY t.id, m.id""",
                    self._sql_selection(
                        "mail.message", "message_type", SQL("m.message_type")
                    ),
                    sql_html_to_text(SQL("m.body")),
                    contract,
                    self._client_message_ids(),
                ),
            ),
            (
                _("Time spent"),
                [_("Ticket"), _("Date"), _("Employee"), _("Description"), _("Hours")],
                SQL(
                    """SELECT t.number, a.date, e.name, a.name, a.unit_amount
                         FROM account_analytic_line a
                         JOIN helpdesk_ticket t ON t.id = a.ticket_id
                         JOIN helpdesk_ticket_team tm ON tm.id = t.team_id
                         LEFT JOIN hr_employee e ON e.id = a.employee_id
                        WHERE t.tma_contract_id = %s AND t.active
                          -- what the portal's ticket page shows
                          -- (helpdesk_mgmt_timesheet)
                          AND tm.allow_timesheet AND tm.show_timesheet_portal
                        ORDER BY a.date, a.id""",
                    contract,
                ),
            ),
            (
                _("Unit ledger"),
                [_("Date"), _("Entry"), _("Type"), _("Units"), _("Ticket")],
                SQL(
                    """SELECT e.date, e.name, %s, e.units, t.number
                         FROM tma_unit_entry e
                         LEFT JOIN helpdesk_ticket t ON t.id = e.ticket_id
                        WHERE e.contract_id = %s ORDER BY e.id""",
                    self._sql_selection(
                        "tma.unit.entry", "entry_type", SQL("e.entry_type")
                    ),
                    contract,
                ),
            ),
            (
                _("Checklist"),
                [
                    _("Item"),
                    _("Side"),
                    _("Mandatory"),
                    _("Due"),
                    _("State"),
                    _("Signed off by"),
                    _("Signed off on"),
                ],
                SQL(
                    """SELECT i.name, %s, i.mandatory, i.due_date, %s,
                              p.name, i.signed_on
                         FROM tma_reversibility_item i
                         LEFT JOIN res_users u ON u.id = i.signed_by_id
                         LEFT JOIN res_partner p ON p.id = u.partner_id
                        WHERE i.contract_id = %s ORDER BY i.sequence, i.id""",
                    self._sql_selection(
                        "tma.reversibility.item", "side", SQL("i.side")
                    ),
                    self._sql_selection(
                        "tma.reversibility.item", "state", SQL("i.state")
                    ),
                    contract,
                ),
            ),
        ]
        sheets += [
            (
                _("Documentation register"),
                [
                    _("Document"),
                    _("Type"),
                    _("Version"),
                    _("Date"),
                    _("Next review"),
                    _("Application"),
                    _("Environment"),
                    _("File in the package, or link"),
                    _("Archived"),
                ],
                self._register_rows,
            ),
            (
                _("KPIs"),
                [_("Month"), _("Indicator"), _("Value")],
                self._kpi_rows,
            ),
            (
                _("Journal of acts"),
                [
                    _("No."),
                    _("Date"),
                    _("Act"),
                    _("Record"),
                    _("Party"),
                    _("Given by"),
                    _("Recorded by"),
                    _("On-behalf reason"),
                    _("Hash"),
                ],
                self._journal_rows,
            ),
        ]
        # The sheets other addons contribute (tma_sla: its timers), in the
        # package's language.
        sheets += self.contract._tma_export_sheets()
        return sheets

    def _write_workbook(self, path):
        """Stream every sheet from a server-side cursor into xlsxwriter in
        constant-memory mode: memory does not grow with the contract. Each
        value goes to the writer of its type, found once per type."""
        book = xlsxwriter.Workbook(
            path,
            {
                "constant_memory": True,
                # The client's text stays text: no formula, no link made of it.
                "strings_to_formulas": False,
                "strings_to_urls": False,
            },
        )
        # A fixed creation date: the same data gives the same bytes.
        book.set_properties(
            {"created": fields.Datetime.to_datetime(self.contract.create_date)}
        )
        bold = book.add_format({"bold": True})
        when = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        day = book.add_format({"num_format": "yyyy-mm-dd"})
        self.env.flush_all()
        for title, header, query in self.sheets():
            sheet = book.add_worksheet(title[:31])
            sheet.write_row(0, 0, header, bold)
            write_row = self._row_writer(sheet, when, day)
            if not isinstance(query, SQL):
                for row, values in enumerate(query(), 1):
                    write_row(row, values)
                continue
            cr = self.env.cr
            # A cursor declared in PostgreSQL, read FETCH rows at a time.
            cr.execute(SQL("DECLARE tma_package_rows NO SCROLL CURSOR FOR %s", query))
            row = 0
            while True:
                cr.execute(SQL("FETCH %s FROM tma_package_rows", FETCH))
                rows = cr.fetchall()
                if not rows:
                    cr.execute("CLOSE tma_package_rows")
                    break
                for values in rows:
                    row += 1
                    write_row(row, values)
        book.close()

    @staticmethod
    def _row_writer(sheet, when, day):
        """A function writing a row of values in ``sheet``, each value by the
        writer of its type (dates and times in their formats, empty cells
        left out, anything else as JSON)."""
        # xlsxwriter's undecorated writers: the public ones first parse an
        # "A1" reference, which costs as much as writing the cell.
        writers = {
            str: sheet._write_string,
            int: sheet._write_number,
            float: sheet._write_number,
            Decimal: sheet._write_number,
            bool: sheet._write_boolean,
            datetime: lambda row, col, value: sheet._write_datetime(
                row, col, value, when
            ),
            date: lambda row, col, value: sheet._write_datetime(row, col, value, day),
            type(None): lambda row, col, value: None,
        }

        def write_other(row, col, value):
            if isinstance(value, str):  # Markup, say
                sheet._write_string(row, col, str(value))
            else:
                sheet._write_string(row, col, json.dumps(value, default=str))

        def write_row(row, values):
            for col, value in enumerate(values):
                writers.get(type(value), write_other)(row, col, value)

        return write_row
