# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64

from odoo.tests import HttpCase, tagged

from .common import TmaReversibilityCommon

# Queries of the contract page during the handover: those of any contract page
# (tma_contract's PORTAL_CONTRACT_QUERIES, the checklist and which documents
# have a file among the page's lists), the signatories' users and partners
# (two), the language's formats of the signatures' times (one).
PORTAL_HANDOVER_QUERIES = 13


@tagged("post_install", "-at_install")
class TestPortal(HttpCase, TmaReversibilityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.document = cls.env["tma.document"].create(
            {
                "contract_id": cls.contract.id,
                "name": "Run book",
                "doc_type": "runbook",
                "file": base64.b64encode(b"how to run it"),
                "file_name": "runbook.txt",
            }
        )
        cls.contract.action_start_reversibility()
        Package = cls.env["tma.reversibility.package"]
        cls.package = Package._request(cls.contract)
        Package._cron_build_packages()
        items = cls.contract.reversibility_item_ids
        cls.client_item = items.filtered(lambda i: i.side == "client")[0]
        cls.provider_item = items.filtered(lambda i: i.side == "provider")[0]
        cls.successor_item = items.filtered(lambda i: i.side == "successor")[0]

    def _login(self, user):
        self.authenticate(user.login, user.login)

    def _csrf(self):
        """The CSRF token a page of the portal gives the logged-in visitor."""
        page = self.url_open("/my/account").text
        anchor = 'name="csrf_token" value="'
        self.assertIn(anchor, page)
        return page.partition(anchor)[2].partition('"')[0]

    def _post(self, url):
        return self.url_open(
            url, data={"csrf_token": self._csrf()}, allow_redirects=False
        )

    def test_client_downloads_its_document_and_package(self):
        self._login(self.portal_a)
        response = self.url_open(f"/my/tma/documents/{self.document.id}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"how to run it")
        response = self.url_open(f"/my/tma/packages/{self.package.id}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, self.package.attachment_id.raw)

    def test_other_client_gets_nothing_by_id(self):
        self._login(self.portal_b)
        for url in (
            f"/my/tma/documents/{self.document.id}",
            f"/my/tma/packages/{self.package.id}",
        ):
            response = self.url_open(url, allow_redirects=False)
            self.assertEqual(response.status_code, 303, url)
            self.assertNotIn(b"how to run it", response.content)

    def test_wrong_token_gets_nothing(self):
        self.document._portal_ensure_token()
        self.package._portal_ensure_token()
        for record in (self.document, self.package):
            url = f"{record.access_url}?access_token=wrong"
            response = self.url_open(url, allow_redirects=False)
            self.assertEqual(response.status_code, 303, url)
            response = self.url_open(
                f"{record.access_url}?access_token={record.access_token}"
            )
            self.assertEqual(response.status_code, 200)

    def test_contract_page_shows_register_checklist_and_packages(self):
        paper = self.env["tma.document"].create(
            {"contract_id": self.contract.id, "name": "Paper only", "doc_type": "other"}
        )
        self._login(self.portal_a)
        html = self.url_open(f"/my/tma/contracts/{self.contract.id}").text
        self.assertIn("Run book", html)
        # A document with a file is linked, one with neither file nor link
        # is only named.
        self.assertIn(f"/my/tma/documents/{self.document.id}", html)
        self.assertIn("Paper only", html)
        self.assertNotIn(f"/my/tma/documents/{paper.id}", html)
        self.assertIn('id="tma_checklist"', html)
        self.assertIn(f"/my/tma/packages/{self.package.id}", html)
        self.assertIn(f"/my/tma/checklist/{self.client_item.id}/sign", html)
        self.assertNotIn(f"/my/tma/checklist/{self.provider_item.id}/sign", html)

    def test_contract_page_in_handover_reads_its_checklist_with_its_lists(self):
        """The checklist is one more list of the page's one query: every item
        shows, a signed item with its signatory, in a number of queries that
        does not grow with the checklist."""
        self.provider_item.with_user(self.manager)._sign(self.manager)
        self._login(self.portal_a)
        url = f"/my/tma/contracts/{self.contract.id}"

        def page():
            before = self.cr.sql_log_count
            html = self.url_open(url).text
            return html, self.cr.sql_log_count - before

        page()  # warm-up (twice: a first visit also fills caches of its own)
        page()
        html, queries = page()
        checklist = html.partition('id="tma_checklist"')[2].partition("</table>")[0]
        for item in self.contract.reversibility_item_ids:
            self.assertIn(item.name, checklist)
        self.assertIn(self.manager.name, checklist)
        self.env["tma.reversibility.item"].create(
            [
                {
                    "contract_id": self.contract.id,
                    "name": f"Extra item {n}",
                    "side": "client",
                }
                for n in range(10)
            ]
        )
        self.env.flush_all()
        html, more = page()
        self.assertIn("Extra item 9", html)
        self.assertEqual(more, queries)
        self.assertLessEqual(queries, PORTAL_HANDOVER_QUERIES)

    def test_client_signs_its_item_once(self):
        self._login(self.portal_a)
        self._post(f"/my/tma/checklist/{self.client_item.id}/sign")
        self.assertEqual(self.client_item.state, "signed")
        self.assertEqual(self.client_item.signed_by_id, self.portal_a)
        signed_on = self.client_item.signed_on
        response = self._post(f"/my/tma/checklist/{self.client_item.id}/sign")
        location = response.headers["Location"]
        self.assertTrue(location.endswith(f"/my/tma/contracts/{self.contract.id}"))
        self.assertEqual(self.client_item.signed_on, signed_on)
        # The reason is shown on the next page, once; never carried by the URL.
        self.assertIn("already signed off", self.url_open(location).text)
        self.assertNotIn("already signed off", self.url_open(location).text)

    def test_client_cannot_sign_the_providers_item(self):
        self._login(self.portal_a)
        response = self._post(f"/my/tma/checklist/{self.provider_item.id}/sign")
        self.assertNotIn("?", response.headers["Location"])
        self.assertIn(
            "you cannot sign it", self.url_open(response.headers["Location"]).text
        )
        self.assertEqual(self.provider_item.state, "todo")

    def test_other_client_cannot_sign(self):
        self._login(self.portal_b)
        response = self._post(f"/my/tma/checklist/{self.client_item.id}/sign")
        self.assertTrue(response.headers["Location"].endswith("/my"))
        self.assertEqual(self.client_item.state, "todo")

    def test_successor_sees_the_handover_and_nothing_else(self):
        self._login(self.portal_successor)
        response = self.url_open(f"/my/tma/handover/{self.contract.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.successor_item.name, response.text)
        self._post(f"/my/tma/checklist/{self.successor_item.id}/sign")
        self.assertEqual(self.successor_item.state, "signed")
        for url in (
            f"/my/tma/contracts/{self.contract.id}",
            f"/my/tma/documents/{self.document.id}",
            f"/my/tma/packages/{self.package.id}",
        ):
            response = self.url_open(url, allow_redirects=False)
            self.assertEqual(response.status_code, 303, url)
        # A client is not a successor.
        self._login(self.portal_b)
        response = self.url_open(
            f"/my/tma/handover/{self.contract.id}", allow_redirects=False
        )
        self.assertEqual(response.status_code, 303)

    def test_package_request_for_a_draft_contract_is_refused(self):
        draft = self._create_contract(activate=False)
        self._login(self.portal_a)
        self._post(f"/my/tma/contracts/{draft.id}/package")
        self.assertFalse(
            self.env["tma.reversibility.package"].search(
                [("contract_id", "=", draft.id)]
            )
        )

    def test_request_without_csrf_token_is_refused(self):
        self._login(self.portal_a)
        response = self.url_open(
            f"/my/tma/checklist/{self.client_item.id}/sign",
            data={"note": "no token"},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.client_item.state, "todo")

    def test_successor_finds_its_handovers_from_the_portal_home(self):
        self._login(self.portal_successor)
        response = self.url_open("/my/tma/handover", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertTrue(
            response.headers["Location"].endswith(
                f"/my/tma/handover/{self.contract.id}"
            )
        )
        self._login(self.portal_b)
        response = self.url_open("/my/tma/handover")
        self.assertIn("No handover for you.", response.text)

    def test_messages_are_not_taken_from_the_url(self):
        self._login(self.portal_a)
        html = self.url_open(
            f"/my/tma/contracts/{self.contract.id}?tma_error=<b>Forged</b>"
        ).text
        # (The language selector links back to this URL, URL-encoded.)
        self.assertNotIn("Forged", html.replace("%3Cb%3EForged%3C%2Fb%3E", ""))
        self._login(self.portal_successor)
        html = self.url_open(
            f"/my/tma/handover/{self.contract.id}?tma_error=<b>Forged</b>"
        ).text
        # (The language selector links back to this URL, URL-encoded.)
        self.assertNotIn("Forged", html.replace("%3Cb%3EForged%3C%2Fb%3E", ""))

    def test_successor_sees_why_its_signature_is_refused(self):
        self._login(self.portal_successor)
        response = self._post(f"/my/tma/checklist/{self.client_item.id}/sign")
        location = response.headers["Location"]
        self.assertTrue(location.endswith(f"/my/tma/handover/{self.contract.id}"))
        self.assertIn("you cannot sign it", self.url_open(location).text)
        self.assertEqual(self.client_item.state, "todo")
