# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the read-only routes' tests share: a page fetched in a read-only
transaction, as Odoo's test mode serves a ``readonly`` route (a transaction
that refuses writes, as a replica does), must neither fail nor be retried on
the primary (Odoo logs "retrying with a read/write cursor", a warning of
``odoo.http``, when it is)."""

from odoo.tests import HttpCase


class ReadRouteCase(HttpCase):
    def assertReadsOnly(self, url, user):
        """GET ``url`` as ``user`` (login = password): a page, a file or a
        redirection (a list of one goes to its record), and no warning of
        ``odoo.http`` (so it was not retried read/write: it wrote nothing)."""
        self.authenticate(user.login, user.login)
        with self.assertNoLogs("odoo.http", "WARNING"):
            response = self.url_open(url, allow_redirects=False)
        self.assertIn(response.status_code, (200, 303), url)
        return response
