# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Taking a contract on: the take-on checklist between draft and active,
the outgoing provider's side, the client's service start and the import of
a predecessor's reversibility package."""

import base64
import hashlib
import io
import json
import posixpath
import zipfile

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.tma_contract.models.utils import reader_date

from .utils import PACKAGE_DOC_TYPES, checklist_template_field, third_party_field

MANIFEST = "manifest.json"


class TmaContractTakeon(models.AbstractModel):
    """The take-on of a contract (inherited by ``tma.contract``; the state
    machine's hooks, ``action_start_transition`` and ``_check_transition``,
    call it from ``tma_contract.py``)."""

    _name = "tma.contract.takeon"
    _description = "TMA contract take-on"

    predecessor_id = third_party_field(
        "Outgoing provider",
        "The provider the contract is taken over from: its portal users see "
        "the take-on checklist, and nothing else of the contract.",
    )
    takeon_template_id = checklist_template_field(
        "tma.takeon.template",
        "Take-on checklist template",
        "tma_reversibility.tma_takeon_template_default",
    )
    takeon_item_ids = fields.One2many(
        "tma.takeon.item", "contract_id", string="Take-on checklist"
    )
    takeon_progress = fields.Float(
        string="Take-on progress", compute="_compute_takeon_progress"
    )
    service_start_date = fields.Date(
        readonly=True,
        copy=False,
        tracking=True,
        help="The day the client signed the service start: the contract, its "
        "service levels and its fee start then.",
    )

    @api.depends("takeon_item_ids.state")
    def _compute_takeon_progress(self):
        for contract in self:
            items = contract.takeon_item_ids
            done = items.filtered(lambda i: i.state != "todo")
            contract.takeon_progress = 100.0 * len(done) / len(items) if items else 0.0

    def _takeon_side(self, user):
        """The side ``user`` signs for on this contract's take-on checklist:
        provider (TMA staff), client, predecessor, or None."""
        return self._checklist_side(user, "predecessor_id", "predecessor")

    # ------------------------------------------------------------------
    # State machine
    # ------------------------------------------------------------------
    def _instantiate_takeon_checklist(self):
        self._checklist_instantiate("takeon_item_ids", "takeon_template_id")

    def _check_takeon_complete(self):
        """Raise unless the mandatory take-on items of the contracts in
        take-on are all signed off, the client's service start last."""
        for contract in self.filtered(lambda c: c.state == "transition"):
            left = contract.sudo().takeon_item_ids.filtered(
                lambda i: i.mandatory and i.state == "todo"
            )
            if left:
                raise UserError(
                    _(
                        "Contract %(contract)s starts once its take-on is "
                        "signed off, the service start by the client last. "
                        "Items left: %(items)s",
                        contract=contract.display_name,
                        items=", ".join(left.mapped("name")),
                    )
                )

    def _takeon_start_service(self, user):
        """The client signed the service start: the contract becomes active
        today (the contract's day, whoever signs and from wherever), with its
        service levels and its fee from today."""
        self.ensure_one()
        contract = self.sudo()
        today = contract._tma_today()
        contract.write({"date_start": today, "service_start_date": today})
        contract.action_activate()
        env = self._tma_reader_env()
        contract.message_post(
            body=env._(
                "Service start signed off by %(user)s: the contract runs from "
                "%(date)s.",
                user=user.name,
                date=reader_date(env, today),
            ),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    # ------------------------------------------------------------------
    # A predecessor's reversibility package
    # ------------------------------------------------------------------
    @api.model
    def _takeon_read_package(self, data):
        """Open and check a reversibility package (the ZIP tma_reversibility
        builds): every file the manifest lists is there with its SHA-256, and
        nothing else is. Return (manifest, {path: bytes}).

        :raise UserError: a bad archive, a missing or extra file, a checksum
            that does not match; nothing has been imported then
        """
        Attachment = self.env["ir.attachment"]
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            names = {n for n in archive.namelist() if not n.endswith("/")}
            manifest = json.loads(archive.read(MANIFEST).decode())
            listed = {f["path"]: f["sha256"] for f in manifest["files"]}
        except (zipfile.BadZipFile, KeyError, TypeError, ValueError) as error:
            raise UserError(
                _("This is not a reversibility package (a ZIP with its manifest).")
            ) from error
        unsafe = [
            p
            for p in listed
            if p.startswith("/") or ".." in posixpath.normpath(p).split("/")
        ]
        missing = sorted(set(listed) - names)
        extra = sorted(names - set(listed) - {MANIFEST})
        limit = Attachment._tma_upload_policy()[0] * 10
        if sum(info.file_size for info in archive.infolist()) > limit:
            raise UserError(_("The package is too large to import."))
        files, mismatched = {}, []
        for path in sorted(set(listed) & names):
            content = archive.read(path)
            if hashlib.sha256(content).hexdigest() != listed[path]:
                mismatched.append(path)
            files[path] = content
        if unsafe or missing or extra or mismatched:
            raise UserError(
                _(
                    "The package does not match its manifest; nothing was "
                    "imported.\nChecksums that differ: %(mismatched)s\nFiles "
                    "missing: %(missing)s\nFiles not in the manifest: %(extra)s",
                    mismatched=", ".join(mismatched + unsafe) or "-",
                    missing=", ".join(missing) or "-",
                    extra=", ".join(extra) or "-",
                )
            )
        return manifest, files

    def _takeon_import_package(self, data, filename=None):
        """Import a predecessor's reversibility package: its files go to the
        documentation register (the workbook as the inventory), and the
        take-on's inventory and documents items list them. All or nothing."""
        self.ensure_one()
        self.check_access("write")
        if self.state not in ("draft", "transition"):
            raise UserError(
                _("A package is imported while the contract is being taken on.")
            )
        manifest, files = self._takeon_read_package(data)
        env = self._tma_reader_env()
        source = manifest.get("contract") or filename or env._("package")
        with self.env.cr.savepoint():
            documents = self.env["tma.document"].create(
                [
                    {
                        "contract_id": self.id,
                        "name": env._(
                            "%(file)s (from %(origin)s)",
                            file=posixpath.basename(path),
                            origin=source,
                        ),
                        "doc_type": PACKAGE_DOC_TYPES.get(path, "other"),
                        "file": base64.b64encode(content),
                        "file_name": posixpath.basename(path),
                    }
                    for path, content in files.items()
                ]
            )
            inventory = env._(
                "Imported from the reversibility package of %(origin)s "
                "(%(client)s, %(count)s files, checksums verified): %(files)s",
                origin=source,
                client=manifest.get("client") or "-",
                count=len(files),
                files=", ".join(sorted(files)),
            )
            items = self.sudo().takeon_item_ids
            items.filtered(lambda i: i.item_type == "inventory").write(
                {"note": inventory}
            )
            # A signed-off item keeps the documents it was signed with.
            items.filtered(
                lambda i: i.item_type == "documents" and i.state == "todo"
            ).write({"document_ids": [fields.Command.link(d.id) for d in documents]})
            self.message_post(body=inventory, subtype_xmlid="mail.mt_note")
        return documents

    def action_import_takeon_package(self):
        self.ensure_one()
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "res_model": "tma.takeon.import",
            "view_mode": "form",
            "target": "new",
            "context": {"default_contract_id": self.id},
        }
