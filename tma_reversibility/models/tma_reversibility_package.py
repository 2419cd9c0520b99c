# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import hashlib
import logging
import os
import re
import shutil
import tempfile
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL

from odoo.addons.tma_contract.models.utils import commit_unless_testing

from .tma_reversibility_package_writer import PackageWriter
from .utils import file_digest

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
    _inherit = ["tma.portal.mixin", "mail.thread"]
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
            package.name = package.contract_id._tma_reader_env()._(
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
        """Build up to ``limit`` queued packages, oldest first, one at a time,
        each in a transaction of its own (committed after it, except under
        tests); report the progress to the cron (``ir.cron._notify_progress``)
        and re-arm it (``_trigger``) while packages remain.

        One package a transaction: the rows a package's build locks (its own,
        those its notification writes) are released before the next one's
        PDF is rendered, a rendering that calls back into the web server,
        whose workers would otherwise wait on those locks while the cron
        waits on them. A package is built once: each is locked (``SKIP
        LOCKED``) and built while queued, and leaves that state committed.

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
            commit_unless_testing(self.env)
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
            body=self.contract_id._tma_reader_env()._(
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
        """Build the package: its files first, then the attachment, the
        package's figures, and its requester and client told. The PDF's
        rendering calls back into the web server: by then the transaction
        (one package's, cron or job) locks nothing but the package's row."""
        self.ensure_one()
        self.state = "running"
        with tempfile.TemporaryDirectory(prefix="tma_package_") as tmp:
            # The files are the client's: in its language. (Notifications
            # stay in the language of whoever runs the build.)
            writer = PackageWriter(self.with_context(lang=self._package_lang()))
            files = writer.write_files(tmp)
            digest = writer.content_digest(files)
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
            zip_path, manifest_text = writer.write_archive(tmp, files)
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
            body=self.contract_id._tma_reader_env()._(
                "The reversibility package is ready (SHA-256 %(sha)s).", sha=self.sha256
            ),
            partner_ids=partners.ids,
            subtype_xmlid="mail.mt_comment",
        )

    def action_download(self):
        self.ensure_one()
        if not self.attachment_id:
            raise UserError(_("The package is not ready yet."))
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.attachment_id.id}?download=true",
            "target": "self",
        }
