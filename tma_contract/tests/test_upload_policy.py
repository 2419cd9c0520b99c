# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import http
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, tagged

from .common import TmaCommon

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<html><body><script>alert(1)</script></body></html>"
# The smallest thing that reads as a Windows program: "MZ", and at the offset
# written at 0x3C, "PE\0\0".
EXE = b"MZ" + b"\0" * 58 + (64).to_bytes(4, "little") + b"PE\0\0" + b"\0" * 64
ELF = b"\x7fELF\x02\x01\x01" + b"\0" * 64
REFUSED_FILES = [
    ("page.html", HTML),
    ("drawing.svg", SVG),
    ("setup.exe", EXE),
    ("photo.png", SVG),  # markup under an image's name
    ("report.pdf", ELF),  # a program under a document's name
    ("no-extension", b"plain"),
]


@tagged("post_install", "-at_install")
class TestUploadPolicy(HttpCase, TmaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contract_a = cls._create_contract()
        cls.ticket_a = cls._create_ticket(cls.contract_a, name="Own ticket")
        cls.Attachment = cls.env["ir.attachment"]

    def _login(self, user):
        self.authenticate(user.login, user.login)

    def _counts(self):
        self.env.invalidate_all()
        return (
            self.env["helpdesk.ticket"].search_count([]),
            self.Attachment.search_count([]),
        )

    def _submit(self, files, subject="Labels come out blank"):
        return self.url_open(
            "/submitted/ticket",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "subject": subject,
                "description": "Since this morning.",
            },
            files=[("attachment", file) for file in files],
        )

    # ------------------------------------------------------------------
    # The policy itself
    # ------------------------------------------------------------------
    def test_defaults_and_parameters(self):
        max_size, extensions = self.Attachment._tma_upload_policy()
        self.assertEqual(max_size, 25 * 1024 * 1024)
        self.assertIn("pdf", extensions)
        self.assertFalse({"html", "htm", "svg", "exe", "js"} & extensions)
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("tma_contract.upload_max_size_mb", "2.5")
        params.set_param("tma_contract.upload_allowed_extensions", " .PDF, txt ,")
        self.assertEqual(
            self.Attachment._tma_upload_policy(),
            (int(2.5 * 1024 * 1024), {"pdf", "txt"}),
        )
        params.set_param("tma_contract.upload_max_size_mb", "a lot")
        self.assertEqual(self.Attachment._tma_upload_policy()[0], 25 * 1024 * 1024)

    def test_each_refusal(self):
        for name, content in REFUSED_FILES:
            with self.subTest(name=name), self.assertRaises(ValidationError):
                self.Attachment._tma_check_upload(name, content)
        self.env["ir.config_parameter"].sudo().set_param(
            "tma_contract.upload_max_size_mb", "0.001"
        )
        with self.assertRaisesRegex(ValidationError, "too large"):
            self.Attachment._tma_check_upload("big.txt", b"x" * 2048)
        self.Attachment._tma_check_upload("small.txt", b"x" * 1000)
        self.Attachment._tma_check_upload("archive.tar.gz", b"\x1f\x8b")

    def test_portal_users_uploads_follow_the_policy_staff_uploads_do_not(self):
        values = {
            "name": "page.html",
            "raw": HTML,
            "res_model": "helpdesk.ticket",
            "res_id": self.ticket_a.id,
        }
        before = self._counts()
        with self.assertRaises(ValidationError):
            self.Attachment.with_user(self.portal_a).sudo().create(dict(values))
        self.assertEqual(self._counts(), before)
        # Renaming a harmless file into a page is refused too.
        notes = (
            self.Attachment.with_user(self.portal_a)
            .sudo()
            .create(dict(values, name="notes.txt", raw=b"notes"))
        )
        with self.assertRaises(ValidationError):
            notes.write({"name": "notes.html"})
        # Staff work in the backend: the policy is for the portal.
        self.Attachment.with_user(self.engineer).create(dict(values))

    # ------------------------------------------------------------------
    # Portal ticket form
    # ------------------------------------------------------------------
    def test_portal_ticket_with_allowed_files_is_created_with_them(self):
        self._login(self.portal_a)
        response = self._submit(
            [("screen.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 16), ("log.txt", b"boom")]
        )
        self.assertEqual(response.status_code, 200)
        ticket = self.env["helpdesk.ticket"].search(
            [("name", "=", "Labels come out blank")]
        )
        self.assertEqual(len(ticket), 1)
        self.assertEqual(
            sorted(ticket.attachment_ids.mapped("name")), ["log.txt", "screen.png"]
        )

    def test_portal_ticket_with_a_refused_file_creates_nothing(self):
        self._login(self.portal_a)
        for name, content in REFUSED_FILES:
            with self.subTest(name=name):
                before = self._counts()
                # A good file beside a bad one: the ticket is not half created.
                response = self._submit(
                    [("log.txt", b"boom"), (name, content)], subject=f"About {name}"
                )
                self.assertEqual(response.status_code, 200)
                self.assertEqual(self._counts(), before)
                self.assertIn("o_tma_flash", response.text)
                self.assertIn(name, response.text)
                # The form comes back with what the client typed.
                self.assertIn(f'value="About {name}"', response.text)
                self.assertIn("Since this morning.", response.text)

    def test_portal_ticket_with_a_too_big_file_creates_nothing(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "tma_contract.upload_max_size_mb", "0.001"
        )
        self._login(self.portal_a)
        before = self._counts()
        response = self._submit([("big.txt", b"x" * 4096)])
        self.assertEqual(self._counts(), before)
        self.assertIn("too large", response.text)

    def test_refusal_in_the_users_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.portal_a.lang = "fr_FR"
        self._login(self.portal_a)
        response = self._submit([("page.html", HTML)])
        self.assertIn("ne peut pas être envoyé", response.text)
        with self.assertRaisesRegex(ValidationError, "trop volumineux"):
            self.Attachment.with_context(lang="fr_FR")._tma_check_upload(
                "big.txt", b"x" * (26 * 1024 * 1024)
            )

    # ------------------------------------------------------------------
    # Chatter uploads on the client's own ticket
    # ------------------------------------------------------------------
    def _chatter_upload(self, name, content):
        return self.url_open(
            "/mail/attachment/upload",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "thread_model": "helpdesk.ticket",
                "thread_id": self.ticket_a.id,
            },
            files={"ufile": (name, content)},
        )

    def test_chatter_uploads_follow_the_policy(self):
        self._login(self.portal_a)
        for name, content in REFUSED_FILES:
            with self.subTest(name=name):
                before = self._counts()
                response = self._chatter_upload(name, content)
                self.assertNotEqual(response.status_code, 200)
                self.assertLess(response.status_code, 500)
                self.assertEqual(self._counts(), before)
        response = self._chatter_upload("notes.txt", b"notes")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(
            self.Attachment.search(
                [
                    ("name", "=", "notes.txt"),
                    ("res_model", "=", "helpdesk.ticket"),
                    ("res_id", "=", self.ticket_a.id),
                ]
            )
        )

    def test_message_post_attachments_follow_the_policy(self):
        before = self._counts()
        with self.assertRaises(ValidationError):
            self.ticket_a.with_user(self.portal_a).sudo().message_post(
                body="See the page",
                attachments=[("page.html", HTML)],
            )
        self.assertEqual(self._counts()[1], before[1])
