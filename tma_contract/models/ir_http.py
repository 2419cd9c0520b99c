# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import models
from odoo.http import request

from ..tools.replica import check_request_snapshot, read_your_writes, remember_write


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    def _generate_routing_rules(self, modules, converters):
        # Every route read-only on a replica reads the session's own writes
        # (tools/replica.py); the map is generated once per registry.
        for url, endpoint in super()._generate_routing_rules(modules, converters):
            endpoint.routing["readonly"] = read_your_writes(
                endpoint.routing.get("readonly")
            )
            yield url, endpoint

    @classmethod
    def _pre_dispatch(cls, rule, args):
        # A read-only request reads in a snapshot that holds the session's
        # last writes, or runs again on the primary (tools/replica.py).
        check_request_snapshot(request.env.cr)
        return super()._pre_dispatch(rule, args)

    @classmethod
    def _post_dispatch(cls, response):
        # Before the session is saved (super) and the transaction committed:
        # the session's last write, for the read-only routes on a replica
        # (tools/replica.py). No query without a replica.
        remember_write(request.env)
        return super()._post_dispatch(response)
