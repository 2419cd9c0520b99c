# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import logging
import os

from odoo import _, api, models
from odoo.exceptions import ValidationError
from odoo.tools.mimetypes import guess_mimetype

_logger = logging.getLogger(__name__)

# The upload policy: system parameters, with these defaults when a parameter is
# missing or unreadable (see readme/CONFIGURE.md).
PARAM_MAX_SIZE = "tma_contract.upload_max_size_mb"
PARAM_EXTENSIONS = "tma_contract.upload_allowed_extensions"
DEFAULT_MAX_SIZE_MB = 25
DEFAULT_EXTENSIONS = (
    "pdf,txt,log,csv,md,json,rtf,doc,docx,odt,xls,xlsx,ods,ppt,pptx,odp,"
    "png,jpg,jpeg,gif,webp,zip,gz,tgz,7z,eml,msg"
)
# Programs, whatever their file name says: ELF and Mach-O magic numbers (a
# Windows PE is recognised by its header, see _tma_is_program).
PROGRAM_MAGIC = (
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
)
RASTER_EXTENSIONS = ("png", "jpg", "jpeg", "gif", "webp")


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    # ------------------------------------------------------------------
    # Upload policy
    # ------------------------------------------------------------------
    @api.model
    def _tma_upload_policy(self):
        """(maximum size in bytes, allowed extensions) of uploaded files."""
        params = self.env["ir.config_parameter"].sudo()
        raw_size = params.get_param(PARAM_MAX_SIZE, DEFAULT_MAX_SIZE_MB)
        try:
            max_mb = float(raw_size)
            if max_mb <= 0:
                raise ValueError(raw_size)
        except (TypeError, ValueError):
            _logger.warning(
                "System parameter %s=%r is not a positive number: using %s MB",
                PARAM_MAX_SIZE,
                raw_size,
                DEFAULT_MAX_SIZE_MB,
            )
            max_mb = DEFAULT_MAX_SIZE_MB
        raw_extensions = params.get_param(PARAM_EXTENSIONS) or DEFAULT_EXTENSIONS
        extensions = {
            ext.strip().lower().lstrip(".")
            for ext in raw_extensions.split(",")
            if ext.strip().lstrip(".")
        }
        return int(max_mb * 1024 * 1024), extensions or set(
            DEFAULT_EXTENSIONS.split(",")
        )

    @api.model
    def _tma_check_upload(self, filename, content, size=None):
        """Refuse a file the upload policy does not allow: too big, of an
        extension not in the allowed list, or a program whatever its name.

        :param str filename: the file's name (its extension decides its type)
        :param bytes content: the file's content, or its first kilobyte when
            ``size`` is given
        :param int size: the file's size, when ``content`` is only its start
        :raise ValidationError: in the user's language
        """
        max_size, extensions = self._tma_upload_policy()
        filename = filename or ""
        content = content or b""
        size = len(content) if size is None else size
        if size > max_size:
            raise ValidationError(
                _(
                    "The file %(name)s is too large (%(size)s MB): files are "
                    "limited to %(max)s MB.",
                    name=filename,
                    size=round(size / 1024 / 1024, 1),
                    max=round(max_size / 1024 / 1024, 1),
                )
            )
        extension = os.path.splitext(filename)[1].lower().lstrip(".")
        if filename.lower().endswith(".tar.gz"):
            extension = "gz"
        if extension not in extensions:
            raise ValidationError(
                _(
                    "The file %(name)s cannot be uploaded: allowed file types "
                    "are %(types)s.",
                    name=filename,
                    types=", ".join(sorted(extensions)),
                )
            )
        program = self._tma_is_program(content)
        mimetype = guess_mimetype(content[:1024]) if content else ""
        fake_image = (
            extension in RASTER_EXTENSIONS
            and content
            and (not mimetype.startswith("image/") or mimetype == "image/svg+xml")
        )
        if program or fake_image:
            raise ValidationError(
                _(
                    "The content of the file %(name)s does not match its type: "
                    "it was refused.",
                    name=filename,
                )
            )

    @api.model
    def _tma_is_program(self, content):
        if content.startswith(PROGRAM_MAGIC):
            return True
        if content.startswith(b"MZ") and len(content) >= 0x40:
            offset = int.from_bytes(content[0x3C:0x40], "little")
            return content[offset : offset + 4] == b"PE\0\0"
        return False

    @api.model
    def _tma_check_uploads(self, files):
        """Check ``files``, a list of (filename, first kilobyte, size), all of
        them before anything is written."""
        for filename, head, size in files:
            self._tma_check_upload(filename, head, size=size)

    def _tma_upload_policy_applies(self, vals):
        """Files portal users and visitors upload (not the binary fields
        records store as attachments)."""
        return (
            self.env.user.share
            and not vals.get("res_field")
            and vals.get("type", "binary") == "binary"
        )

    @api.model
    def _tma_vals_content(self, vals):
        if vals.get("raw"):
            raw = vals["raw"]
            return raw.encode() if isinstance(raw, str) else raw
        if vals.get("datas"):
            return base64.b64decode(vals["datas"])
        return b""

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if self._tma_upload_policy_applies(vals):
                self._tma_check_upload(vals.get("name"), self._tma_vals_content(vals))
        return super().create(vals_list)

    def write(self, vals):
        if {"raw", "datas", "name"} & set(vals):
            for attachment in self:
                merged = {"res_field": attachment.res_field, "type": attachment.type}
                merged.update(vals)
                if not self._tma_upload_policy_applies(merged):
                    continue
                content = (
                    self._tma_vals_content(vals)
                    if {"raw", "datas"} & set(vals)
                    else attachment.sudo().raw
                )
                self._tma_check_upload(vals.get("name", attachment.name), content)
        return super().write(vals)
