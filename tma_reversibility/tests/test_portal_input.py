# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Register files follow the upload policy; what clients, successors and staff
type comes back escaped in the portal and in the package summary."""

import base64

from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, tagged

from .common import TmaReversibilityCommon

XSS = '<script>alert("tma")</script><img src=x onerror=alert(1)>'
RAW_TAGS = ('<script>alert("tma")', "<img src=x onerror")
ESCAPED = "&lt;script&gt;alert("
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
EXE = b"MZ" + b"\0" * 58 + (64).to_bytes(4, "little") + b"PE\0\0" + b"\0" * 64
REFUSED_FILES = [
    ("page.html", b"<html><script>alert(1)</script></html>"),
    ("drawing.svg", SVG),
    ("setup.exe", EXE),
    ("diagram.png", SVG),
]


@tagged("post_install", "-at_install")
class TestPortalInput(HttpCase, TmaReversibilityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Document = cls.env["tma.document"].with_user(cls.manager)
        cls.document = cls.Document.create(
            {
                "contract_id": cls.contract.id,
                "name": f"Run book {XSS}",
                "file": base64.b64encode(b"how to run it"),
                "file_name": "runbook.txt",
            }
        )
        cls.contract.action_start_reversibility()
        cls.item = cls.contract.reversibility_item_ids.filtered(
            lambda i: i.side == "client"
        )[0]
        cls.item.write({"name": f"Item {XSS}", "note": f"Attendees {XSS}"})
        cls.successor.name = f"Successor {XSS}"

    def _counts(self):
        self.env.invalidate_all()
        return (
            self.env["tma.document"].search_count([]),
            self.env["ir.attachment"].search_count([]),
        )

    def assertEscaped(self, html, where):
        for tag in RAW_TAGS:
            self.assertNotIn(tag, html, f"{where}: raw HTML")
        self.assertIn(ESCAPED, html, where)

    # ------------------------------------------------------------------
    # Register files
    # ------------------------------------------------------------------
    def test_register_files_follow_the_upload_policy(self):
        for name, content in REFUSED_FILES:
            with self.subTest(name=name):
                before = self._counts()
                with self.assertRaises(ValidationError):
                    self.Document.create(
                        {
                            "contract_id": self.contract.id,
                            "name": "Bad file",
                            "file": base64.b64encode(content),
                            "file_name": name,
                        }
                    )
                self.assertEqual(self._counts(), before)
                with self.assertRaises(ValidationError):
                    self.document.write(
                        {"file": base64.b64encode(content), "file_name": name}
                    )
                self.document.invalidate_recordset()
                self.assertEqual(base64.b64decode(self.document.file), b"how to run it")

    def test_register_files_have_a_size_limit(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "tma_contract.upload_max_size_mb", "0.001"
        )
        before = self._counts()
        # (assertRaises rolls the failed creation back, as a request would.)
        with self.assertRaises(ValidationError) as refusal:
            self.Document.create(
                {
                    "contract_id": self.contract.id,
                    "name": "Big",
                    "file": base64.b64encode(b"x" * 4096),
                    "file_name": "big.txt",
                }
            )
        self.assertIn("too large", str(refusal.exception))
        self.assertEqual(self._counts(), before)

    def test_refusal_in_the_users_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        with self.assertRaisesRegex(ValidationError, "ne peut pas être envoyé"):
            self.Document.with_context(lang="fr_FR").create(
                {
                    "contract_id": self.contract.id,
                    "name": "Page",
                    "file": base64.b64encode(b"<html></html>"),
                    "file_name": "page.html",
                }
            )
        with self.assertRaisesRegex(ValidationError, "adresse web"):
            self.document.with_context(lang="fr_FR").url = "javascript:alert(1)"

    def test_links_are_web_addresses(self):
        for url in ("javascript:alert(1)", "data:text/html,<script>", "file:///etc"):
            with self.subTest(url=url), self.assertRaises(ValidationError):
                self.document.url = url
        self.document.url = "https://git.example.com/erp"

    # ------------------------------------------------------------------
    # Escaping
    # ------------------------------------------------------------------
    def test_client_text_is_escaped_in_the_portal(self):
        self.authenticate(self.portal_a.login, self.portal_a.login)
        html = self.url_open(f"/my/tma/contracts/{self.contract.id}").text
        self.assertIn("Run book", html)
        self.assertIn("Attendees", html)
        self.assertEscaped(html, "contract page")
        self.authenticate(self.portal_successor.login, self.portal_successor.login)
        html = self.url_open(f"/my/tma/handover/{self.contract.id}").text
        self.assertIn("Attendees", html)
        self.assertEscaped(html, "handover page")

    def test_client_text_is_escaped_in_the_package_summary(self):
        Package = self.env["tma.reversibility.package"]
        package = Package._request(self.contract)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("tma_reversibility.report_tma_package", package.ids)[0]
            .decode()
        )
        self.assertIn("Attendees", html)
        self.assertEscaped(html, "package summary")

    def test_refused_signature_explained_in_the_users_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.portal_a.lang = "fr_FR"
        self._sign_all(self.contract)
        self.authenticate(self.portal_a.login, self.portal_a.login)
        page = self.url_open("/my/account").text
        token = page.partition('name="csrf_token" value="')[2].partition('"')[0]
        response = self.url_open(
            f"/my/tma/checklist/{self.item.id}/sign", data={"csrf_token": token}
        )
        self.assertIn("est déjà validé", response.text)
