# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import uuid

from odoo import fields, models


class TmaPortalMixin(models.AbstractModel):
    """The host's portal mixin, with the record's access token made when the
    record is: the host makes it the first time a page shows the record's
    link (``_portal_ensure_token`` writes it), so a page that only reads
    would write, and could not be served by a read-only replica
    (tools/replica.py). Records made before this keep getting theirs on first
    display, once, on the primary."""

    _name = "tma.portal.mixin"
    _inherit = ["portal.mixin"]
    _description = "TMA portal record"

    access_token = fields.Char(default=lambda self: str(uuid.uuid4()))
