# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

from odoo import models


class TmaDocument(models.Model):
    """The register (tma_contract) as the reversibility package hands it
    over: where each document's file goes in the package."""

    _inherit = "tma.document"

    def _package_paths(self):
        """{document id: path of its file in the reversibility package} for the
        documents that have a file (a link has none). Reads no file content."""
        paths = {}
        for document in self.with_context(bin_size=True):
            if document.file:
                name = re.sub(r"[^\w.-]+", "-", document.file_name or document.name)
                paths[document.id] = f"documents/{document.id}-{name}"
        return paths
