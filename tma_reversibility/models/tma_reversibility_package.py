# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import zipfile
from datetime import date, datetime, timedelta
from decimal import Decimal

import xlsxwriter

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL

from odoo.addons.tma_contract.models.utils import sql_selection, sql_translated
from odoo.addons.tma_contract.tools.verify_journal import JOURNAL_PATH, canonical_json

from .utils import FETCH, file_digest, sql_html_to_text

_logger = logging.getLogger(__name__)

# The queue_job channel of the package builds (when queue_job is installed):
# give it its own capacity in the server configuration, e.g.
#   [queue_job]
#   channels = root:2,root.tma_package:1
PACKAGE_CHANNEL = "root.tma_package"
# With queue_job, the cron builds only the packages queued for longer than
# this without their job running.
QUEUE_JOB_GRACE_MINUTES = 60


class TmaReversibilityPackage(models.Model):
    """Everything the client needs to take its application back, in one ZIP:
    a JSON manifest with the SHA-256 of every file, a workbook of the tickets
    and the history the client sees in its portal, the ledger, the checklist
    (and the SLA timers when tma_sla is installed), every register document
    and a PDF summary. Built in the background; kept with its checksum."""

    _name = "tma.reversibility.package"
    _description = "TMA Reversibility Package"
    _inherit = ["portal.mixin", "mail.thread"]
    _order = "id desc"

    name = fields.Char(compute="_compute_name", store=True)
    contract_id = fields.Many2one(
        "tma.contract", required=True, ondelete="restrict", index=True
    )
    partner_id = fields.Many2one(related="contract_id.partner_id", store=True)
    company_id = fields.Many2one(related="contract_id.company_id", store=True)
    requested_by_id = fields.Many2one(
        "res.users", string="Requested by", default=lambda self: self.env.user
    )
    state = fields.Selection(
        [
            ("queued", "Queued"),
            ("running", "Being built"),
            ("done", "Ready"),
            ("failed", "Failed"),
        ],
        default="queued",
        required=True,
        tracking=True,
    )
    generated_on = fields.Datetime(readonly=True)
    attachment_id = fields.Many2one("ir.attachment", string="ZIP file", readonly=True)
    sha256 = fields.Char(string="SHA-256", readonly=True)
    content_digest = fields.Char(
        readonly=True, help="Digest of the files (without the manifest's time)."
    )
    manifest = fields.Text(readonly=True)
    file_count = fields.Integer(string="Files", readonly=True)
    size = fields.Integer(string="Size (bytes)", readonly=True)
    error = fields.Text(
        readonly=True,
        groups="tma_contract.group_tma_user",
        help="Why the last build failed (for TMA staff).",
    )

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for package in self:
            package.access_url = f"/my/tma/packages/{package.id}"
        return result

    @api.depends("contract_id")
    def _compute_name(self):
        for package in self:
            package.name = _(
                "Reversibility package %(contract)s",
                contract=package.contract_id.name or "",
            )

    # ------------------------------------------------------------------
    # Requests and the background job
    # ------------------------------------------------------------------
    @api.model
    def _request(self, contract):
        if contract.state not in ("active", "reversibility", "closed"):
            raise UserError(
                _(
                    "A reversibility package is built for an active, "
                    "in-reversibility or closed contract, not for %(contract)s.",
                    contract=contract.display_name,
                )
            )
        pending = self.search(
            [("contract_id", "=", contract.id), ("state", "in", ("queued", "running"))],
            limit=1,
        )
        if pending:
            return pending
        package = self.create({"contract_id": contract.id})
        package._schedule_build()
        return package

    # ------------------------------------------------------------------
    # Who builds: OCA queue_job when it is installed, else the cron
    # ------------------------------------------------------------------
    @api.model
    def _use_queue_job(self):
        """Whether the packages are built by OCA ``queue_job`` jobs (the
        module is installed in this database: it gives every model
        ``with_delay``) rather than by the cron. Optional: the suite does not
        depend on it."""
        return hasattr(self, "with_delay")

    def _schedule_build(self):
        """Have the queued packages built in the background: one job each in
        the ``PACKAGE_CHANNEL`` channel (its capacity is set in the server's
        ``[queue_job] channels``) with queue_job, else a run of the cron."""
        if self._use_queue_job():
            for package in self:
                package.with_delay(
                    channel=PACKAGE_CHANNEL,
                    description=_("Build %(package)s", package=package.display_name),
                    max_retries=5,
                )._job_build()
        else:
            self.env.ref("tma_reversibility.ir_cron_tma_build_packages")._trigger()

    def _job_build(self):
        """A queue_job job: build this package unless another worker holds
        it or it is no longer queued. A concurrency error is retried later by
        queue_job. Returns what happened (queue_job keeps it as the result)."""
        self.ensure_one()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT id FROM tma_reversibility_package
                    WHERE id = %s AND state = 'queued'
                      FOR UPDATE SKIP LOCKED""",
                self.id,
            )
        )
        if not self.env.cr.fetchall():
            return "not queued any more, or built by another worker"
        if not self._build_or_fail():
            from odoo.addons.queue_job.exception import RetryableJobError

            raise RetryableJobError("concurrent update, built again later", seconds=60)
        return self.state

    @api.model
    def _cron_build_packages(self, limit=2):
        """Build up to ``limit`` queued packages, oldest first, one at a time;
        report the progress to the cron (``ir.cron._notify_progress``) and
        re-arm it (``_trigger``) while packages remain.

        No package blocks the others: one another worker is building is
        locked, hence skipped (``SKIP LOCKED``); one whose build fails is
        marked failed; one whose build hits a concurrency error stays queued
        for a later run, and the next ones are built meanwhile. Returns the
        packages processed (built or failed)."""
        self.env.flush_all()
        processed = skipped = self.browse()
        # With queue_job the jobs build the packages; the cron only takes
        # over those whose job never ran (a job runner down).
        before = (
            fields.Datetime.now() - timedelta(minutes=QUEUE_JOB_GRACE_MINUTES)
            if self._use_queue_job()
            else None
        )
        while len(processed) + len(skipped) < limit:
            package = self._lock_next_queued(skipped, before)
            if not package:
                break
            if package._build_or_fail():
                processed |= package
            else:
                skipped |= package
        self.env.flush_all()
        domain = [("state", "=", "queued")]
        if before:
            domain.append(("write_date", "<", before))
        remaining = self.search_count(domain)
        cron = self.env.ref("tma_reversibility.ir_cron_tma_build_packages")
        cron._notify_progress(done=len(processed), remaining=remaining)
        if skipped:
            # Not at once: whatever got in the way has time to finish.
            cron._trigger(fields.Datetime.now() + timedelta(minutes=1))
        elif processed and remaining:
            cron._trigger()
        return processed

    @api.model
    def _lock_next_queued(self, exclude, before=None):
        """The oldest queued package but those of ``exclude``, those another
        transaction holds and, with ``before``, those queued since then,
        locked for this one; or an empty recordset."""
        self.env.cr.execute(
            SQL(
                """SELECT id FROM tma_reversibility_package
                    WHERE state = 'queued' AND NOT id = ANY(%s)
                      AND (%s::timestamp IS NULL OR write_date < %s)
                    ORDER BY id LIMIT 1
                      FOR UPDATE SKIP LOCKED""",
                exclude.ids,
                before,
                before,
            )
        )
        return self.browse(row[0] for row in self.env.cr.fetchall())

    def _build_or_fail(self):
        """Build the package; a build that fails leaves nothing behind but the
        package in the failed state with its error, and its requester told.
        A concurrency error is not a failure: the package stays queued for a
        later run. Returns whether the package was processed (built or
        failed)."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                self._build()
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY as error:
            self.env.invalidate_all()
            _logger.info(
                "Reversibility package %s left for a later run: %s", self.id, error
            )
            return False
        except Exception as error:  # pylint: disable=broad-except
            self.env.invalidate_all()
            _logger.exception("Reversibility package %s failed to build", self.id)
            self._fail(error)
        return True

    def _package_lang(self):
        """The package is the client's: its workbook and summary are written
        in the client's language (the company's, then English, when the
        client's is not installed)."""
        self.ensure_one()
        installed = dict(self.env["res.lang"].get_installed())
        for lang in (
            self.contract_id.partner_id.lang,
            self.contract_id.company_id.partner_id.lang,
        ):
            if lang in installed:
                return lang
        return "en_US"

    def _fail(self, error):
        self.write({"state": "failed", "error": str(error) or repr(error)})
        self.message_post(
            body=_(
                "The reversibility package could not be built. The TMA team "
                "has the error and can build it again."
            ),
            partner_ids=self.requested_by_id.partner_id.ids,
            subtype_xmlid="mail.mt_comment",
        )

    def action_retry(self):
        """Queue failed packages again (TMA staff)."""
        if not self.env.su and not self.env.user.has_group(
            "tma_contract.group_tma_user"
        ):
            raise UserError(_("Only TMA staff can build a package again."))
        if self.filtered(lambda p: p.state != "failed"):
            raise UserError(_("Only a package whose build failed is built again."))
        self.write({"state": "queued", "error": False})
        self._schedule_build()
        return True

    def _build(self):
        self.ensure_one()
        self.state = "running"
        with tempfile.TemporaryDirectory(prefix="tma_package_") as tmp:
            # The files are the client's: in its language. (Notifications
            # stay in the language of whoever runs the build.)
            files = self.with_context(lang=self._package_lang())._write_files(tmp)
            # The data's digest: the PDF summary is left out, its renderer
            # stamps the time of generation in it.
            digest = hashlib.sha256(
                "\n".join(
                    f"{path} {sha}"
                    for path, sha, _size in files
                    if path != "summary.pdf"
                ).encode()
            ).hexdigest()
            previous = self.search(
                [
                    ("contract_id", "=", self.contract_id.id),
                    ("state", "=", "done"),
                    ("content_digest", "=", digest),
                ],
                limit=1,
            )
            if previous:
                # Nothing changed since: the same package, not a second one.
                self.write(
                    {
                        field: previous[field]
                        for field in (
                            "attachment_id",
                            "sha256",
                            "manifest",
                            "file_count",
                            "size",
                            "generated_on",
                        )
                    }
                    | {"content_digest": digest, "state": "done"}
                )
                self._notify_ready()
                return
            manifest = {
                "contract": self.contract_id.name,
                "client": self.contract_id.partner_id.display_name,
                "period": {
                    "start": fields.Date.to_string(self.contract_id.date_start),
                    "end": fields.Date.to_string(self.contract_id.date_end),
                },
                "generated_at": fields.Datetime.to_string(fields.Datetime.now()),
                "files": [
                    {"path": path, "sha256": sha, "size": size}
                    for path, sha, size in files
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
                        zipfile.ZIP_STORED
                        if path in ("workbook.xlsx", "summary.pdf")
                        else zipfile.ZIP_DEFLATED,
                    )
            stem = re.sub(r"[^\w.-]+", "-", self.contract_id.name or "contract")
            attachment = self._store_file(zip_path, f"reversibility-{stem}.zip")
            self.write(
                {
                    "attachment_id": attachment.id,
                    "sha256": file_digest(zip_path, hashlib.sha256),
                    "content_digest": digest,
                    "manifest": manifest_text,
                    "file_count": len(files) + 1,
                    "size": os.path.getsize(zip_path),
                    "generated_on": fields.Datetime.now(),
                    "state": "done",
                }
            )
        self._notify_ready()

    def _store_file(self, path, name):
        """Attach the file at ``path`` without loading it in memory: it is
        copied into the filestore under its SHA-1, as Odoo would store it."""
        Attachment = self.env["ir.attachment"].sudo()
        values = {
            "name": name,
            "res_model": self._name,
            "res_id": self.id,
            "mimetype": "application/zip",
        }
        if Attachment._storage() != "file":
            with open(path, "rb") as handle:
                return Attachment.create(dict(values, raw=handle.read()))
        checksum = file_digest(path, hashlib.sha1)
        fname = f"{checksum[:2]}/{checksum}"
        full_path = Attachment._full_path(fname)
        if not os.path.isfile(full_path):
            os.makedirs(os.path.dirname(full_path), exist_ok=True)
            shutil.copyfile(path, full_path)
        attachment = Attachment.create(values)
        # ir.attachment.create() drops these keys (it computes them from the
        # content, which would have to be in memory): set them afterwards.
        self.env.cr.execute(
            SQL(
                """UPDATE ir_attachment SET store_fname = %s, checksum = %s,
                          file_size = %s WHERE id = %s""",
                fname,
                checksum,
                os.path.getsize(path),
                attachment.id,
            )
        )
        attachment.invalidate_recordset()
        return attachment

    def _notify_ready(self):
        partners = self.requested_by_id.partner_id | self.contract_id.partner_id
        self.message_post(
            body=_(
                "The reversibility package is ready (SHA-256 %(sha)s).", sha=self.sha256
            ),
            partner_ids=partners.ids,
            subtype_xmlid="mail.mt_comment",
        )

    # ------------------------------------------------------------------
    # Files
    # ------------------------------------------------------------------
    def _write_files(self, tmp):
        """Write the package's files under ``tmp``/files; return their
        (path, sha256, size), sorted by path."""
        root = os.path.join(tmp, "files")
        os.makedirs(os.path.join(root, "documents"))
        self._write_workbook(os.path.join(root, "workbook.xlsx"))
        self._write_summary(os.path.join(root, "summary.pdf"))
        self._write_journal(os.path.join(root, JOURNAL_PATH))
        documents = self.contract_id.with_context(active_test=False).document_ids
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
        entries = (
            self.env["tma.act.journal"].sudo()._tma_export_entries(self.contract_id)
        )
        with open(path, "w", encoding="utf-8") as handle:
            for entry in entries:
                handle.write(canonical_json(entry) + "\n")

    def _journal_rows(self):
        """Rows of the journal of acts sheet: every entry, in order, with the
        record it concerns and the act in the package's language."""
        entries = (
            self.env["tma.act.journal"]
            .sudo()
            .search([("contract_id", "=", self.contract_id.id)], order="sequence")
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
            ._render_qweb_pdf("tma_reversibility.action_report_tma_package", self.ids)
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
        documents = self.contract_id.with_context(active_test=False).document_ids
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
        contract = self.contract_id
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

    def _sheets(self):
        """(sheet name, header, rows) of the workbook, rows being SQL (read
        through a server-side cursor) or a method returning an iterator. The
        package is the client's: every sheet holds what the client sees in
        its portal, and nothing else (no internal note, no timesheet the
        portal hides, no escalation)."""
        contract = self.contract_id.id
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
        sheets += self.contract_id._tma_export_sheets()
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
            {"created": fields.Datetime.to_datetime(self.contract_id.create_date)}
        )
        bold = book.add_format({"bold": True})
        when = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        day = book.add_format({"num_format": "yyyy-mm-dd"})
        self.env.flush_all()
        for title, header, query in self._sheets():
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

    def action_download(self):
        self.ensure_one()
        if not self.attachment_id:
            raise UserError(_("The package is not ready yet."))
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.attachment_id.id}?download=true",
            "target": "self",
        }
