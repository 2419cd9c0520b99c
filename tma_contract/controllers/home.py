# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import http
from odoo.http import request

from odoo.addons.portal.controllers.web import Home


class TmaHome(Home):
    """The portal speaks the language of whoever logs in. Odoo keeps the
    language of the portal pages in the ``frontend_lang`` cookie, which the
    login page itself sets to the default language before anyone is known: a
    French client would read the portal in English after logging in. Logging
    in sets the cookie to the user's language."""

    @http.route()
    def web_login(self, redirect=None, **kw):
        response = super().web_login(redirect=redirect, **kw)
        uid = request.session.uid
        if (
            request.httprequest.method == "POST"
            and uid
            and getattr(response, "status_code", None) in (301, 302, 303)
        ):
            lang = request.env["res.users"].sudo().browse(uid).lang
            if lang:
                response.set_cookie("frontend_lang", lang)
        return response
