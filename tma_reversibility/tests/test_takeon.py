# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import io
import json
import zipfile

from odoo import fields, http
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .common import TmaReversibilityCommon


class TakeonCommon(TmaReversibilityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.predecessor = cls.env["res.partner"].create(
            {"name": "Ancien Prestataire SA", "is_company": True}
        )
        cls.predecessor_contact = cls.env["res.partner"].create(
            {"name": "Paul Predecessor", "parent_id": cls.predecessor.id}
        )
        cls.portal_predecessor = cls._create_portal_user(
            "portal_predecessor_t", cls.predecessor_contact
        )
        cls.takeon = cls._create_contract(
            activate=False, title="Taken over", predecessor_id=cls.predecessor.id
        )
        cls.takeon.action_start_transition()

    def _users(self):
        return {
            "provider": self.manager,
            "client": self.portal_a,
            "predecessor": self.portal_predecessor,
        }

    def _sign_all_but_service_start(self, contract=None):
        contract = contract or self.takeon
        users = self._users()
        for item in contract.takeon_item_ids.filtered(
            lambda i: i.item_type != "service_start"
        ):
            user = users[item.side]
            if user.share:
                item._sign(user)
            else:
                item.with_user(user).action_sign()

    def _service_start(self, contract=None):
        contract = contract or self.takeon
        return contract.takeon_item_ids.filtered(
            lambda i: i.item_type == "service_start"
        )


@tagged("post_install", "-at_install")
class TestTakeon(TakeonCommon):
    def test_take_on_starts_with_the_checklist_of_the_template(self):
        self.assertEqual(self.takeon.state, "transition")
        items = self.takeon.takeon_item_ids
        template = self.env.ref("tma_reversibility.tma_takeon_template_default")
        self.assertEqual(len(items), len(template.line_ids))
        self.assertEqual(
            set(items.mapped("side")), {"provider", "client", "predecessor"}
        )
        self.assertEqual(self._service_start().side, "client")

    def test_client_signing_the_service_start_activates_the_contract_that_day(self):
        self._sign_all_but_service_start()
        self.assertEqual(self.takeon.state, "transition")
        self._service_start()._sign(self.portal_a)
        # The contract's day, in the signer's time zone when the provider
        # company has none (``_tma_tz``).
        today = self.takeon.with_user(self.portal_a).sudo()._tma_today()
        self.assertEqual(self.takeon.state, "active")
        self.assertEqual(self.takeon.date_start, today)
        self.assertEqual(self.takeon.service_start_date, today)
        self.assertEqual(self.takeon.takeon_progress, 100.0)

    def test_the_fee_starts_on_the_service_start(self):
        contract = self._create_contract(
            mode="forfait",
            activate=False,
            predecessor_id=self.predecessor.id,
            date_start=fields.Date.to_date("2020-01-01"),
        )
        contract.action_start_transition()
        self._sign_all_but_service_start(contract)
        self._service_start(contract)._sign(self.portal_a)
        line = contract.recurring_contract_id.contract_line_ids
        self.assertEqual(
            line.date_start, contract.with_user(self.portal_a).sudo()._tma_today()
        )

    def test_service_start_signed_by_the_predecessor_is_refused(self):
        self._sign_all_but_service_start()
        with self.assertRaises(UserError):
            self._service_start()._sign(self.portal_predecessor)
        self.assertEqual(self.takeon.state, "transition")
        self.assertEqual(self._service_start().state, "todo")

    def test_service_start_before_the_take_on_is_complete_is_refused(self):
        with self.assertRaises(UserError):
            self._service_start()._sign(self.portal_a)
        self.assertEqual(self.takeon.state, "transition")

    def test_activating_by_hand_waits_for_the_checklist(self):
        with self.assertRaises(UserError):
            self.takeon.with_user(self.manager).action_activate()
        self.assertEqual(self.takeon.state, "transition")

    def test_predecessor_signs_its_items_only(self):
        client_item = self.takeon.takeon_item_ids.filtered(
            lambda i: i.side == "client" and i.item_type != "service_start"
        )[:1]
        with self.assertRaises(UserError):
            client_item._sign(self.portal_predecessor)
        own = self.takeon.takeon_item_ids.filtered(lambda i: i.side == "predecessor")
        own._sign(self.portal_predecessor)
        self.assertEqual(set(own.mapped("state")), {"signed"})

    def test_another_client_signs_nothing(self):
        item = self.takeon.takeon_item_ids.filtered(lambda i: i.side == "client")[:1]
        with self.assertRaises(UserError):
            item._sign(self.portal_b)
        self.assertEqual(item.state, "todo")

    def test_predecessor_reads_the_checklist_and_nothing_else(self):
        as_predecessor = self.env["tma.takeon.item"].with_user(self.portal_predecessor)
        self.assertEqual(as_predecessor.search([]), self.takeon.takeon_item_ids.sudo())
        with self.assertRaises(AccessError):
            self.takeon.with_user(self.portal_predecessor).read(["name"])
        self.assertFalse(
            self.env["tma.document"].with_user(self.portal_predecessor).search([])
        )
        self.assertFalse(
            self.env["tma.unit.book"].with_user(self.portal_predecessor).search([])
        )

    def test_items_are_not_signed_by_writing(self):
        item = self.takeon.takeon_item_ids[:1]
        with self.assertRaises(UserError):
            item.with_user(self.engineer).write({"state": "signed"})
        with self.assertRaises(AccessError):
            item.with_user(self.portal_a).write({"state": "signed"})
        self.assertEqual(item.state, "todo")


@tagged("post_install", "-at_install")
class TestTakeonPackage(TakeonCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The outgoing provider's contract, run with this suite: its package.
        cls.env["tma.document"].create(
            {
                "contract_id": cls.contract.id,
                "name": "Architecture",
                "doc_type": "architecture",
                "file": base64.b64encode(b"architecture diagram"),
                "file_name": "archi.txt",
            }
        )
        package = cls.env["tma.reversibility.package"]._request(cls.contract)
        cls.env["tma.reversibility.package"]._cron_build_packages()
        cls.package_bytes = package.attachment_id.raw
        cls.manifest = json.loads(package.manifest)

    def test_import_files_the_package_in_the_register_and_the_inventory(self):
        documents = self.takeon._takeon_import_package(self.package_bytes)
        paths = {f["path"] for f in self.manifest["files"]}
        self.assertEqual(len(documents), len(paths))
        self.assertEqual(documents.contract_id, self.takeon)
        archi = documents.filtered(lambda d: d.file_name.endswith("archi.txt"))
        self.assertEqual(base64.b64decode(archi.file), b"architecture diagram")
        workbook = documents.filtered(lambda d: d.file_name == "workbook.xlsx")
        self.assertEqual(workbook.doc_type, "inventory")
        inventory = self.takeon.takeon_item_ids.filtered(
            lambda i: i.item_type == "inventory"
        )
        self.assertIn("checksums verified", inventory.note)
        received = self.takeon.takeon_item_ids.filtered(
            lambda i: i.item_type == "documents"
        )
        for item in received:
            self.assertEqual(item.document_ids, documents)

    def _tampered(self, mutate):
        source = zipfile.ZipFile(io.BytesIO(self.package_bytes))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for name in source.namelist():
                target.writestr(name, mutate(name, source.read(name)))
        return out.getvalue()

    def test_a_mismatching_checksum_is_refused_and_nothing_imported(self):
        data = self._tampered(
            lambda name, content: content + b"!" if "archi" in name else content
        )
        before = self.env["tma.document"].search_count([])
        with self.assertRaisesRegex(UserError, "archi.txt"):
            self.takeon._takeon_import_package(data)
        self.assertEqual(self.env["tma.document"].search_count([]), before)
        self.assertFalse(
            self.takeon.takeon_item_ids.filtered(
                lambda i: i.item_type == "inventory"
            ).note
        )

    def test_a_file_missing_from_the_manifest_is_refused(self):
        def drop_from_manifest(name, content):
            if name != "manifest.json":
                return content
            manifest = json.loads(content)
            manifest["files"] = manifest["files"][1:]
            return json.dumps(manifest).encode()

        before = self.env["tma.document"].search_count([])
        with self.assertRaises(UserError):
            self.takeon._takeon_import_package(self._tampered(drop_from_manifest))
        self.assertEqual(self.env["tma.document"].search_count([]), before)

    def test_not_a_package_is_refused(self):
        with self.assertRaises(UserError):
            self.takeon._takeon_import_package(b"not a zip")

    def test_import_is_refused_to_users_who_cannot_write_the_contract(self):
        with self.assertRaises(AccessError):
            self.takeon.with_user(self.portal_a)._takeon_import_package(
                self.package_bytes
            )

    def test_wizard_imports(self):
        wizard = self.env["tma.takeon.import"].create(
            {
                "contract_id": self.takeon.id,
                "package": base64.b64encode(self.package_bytes),
                "package_name": "reversibility.zip",
            }
        )
        wizard.action_import()
        self.assertTrue(self.takeon.document_ids)


@tagged("post_install", "-at_install")
class TestTakeonPortal(HttpCase, TakeonCommon):
    def _post_sign(self, item):
        return self.url_open(
            f"/my/tma/takeon/item/{item.id}/sign",
            data={"csrf_token": http.Request.csrf_token(self)},
            allow_redirects=False,
        )

    def test_client_signs_the_service_start_in_the_portal(self):
        self._sign_all_but_service_start()
        self.authenticate(self.portal_a.login, self.portal_a.login)
        page = self.url_open(f"/my/tma/contracts/{self.takeon.id}")
        self.assertIn("o_tma_service_start", page.text)
        response = self._post_sign(self._service_start())
        self.assertIn(response.status_code, (302, 303))
        self.assertEqual(self.takeon.state, "active")

    def test_predecessor_page_shows_the_checklist_only(self):
        self.authenticate(self.portal_predecessor.login, self.portal_predecessor.login)
        page = self.url_open(f"/my/tma/takeon/{self.takeon.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("tma_takeon_checklist", page.text)
        self.assertIn("o_tma_takeon_sign", page.text)
        refused = self.url_open(
            f"/my/tma/contracts/{self.takeon.id}", allow_redirects=False
        )
        self.assertIn(refused.status_code, (302, 303))
        self.assertTrue(refused.headers["Location"].endswith("/my"))

    def test_others_get_no_take_on_page_and_sign_nothing(self):
        self.authenticate(self.portal_b.login, self.portal_b.login)
        page = self.url_open(f"/my/tma/takeon/{self.takeon.id}", allow_redirects=False)
        self.assertIn(page.status_code, (302, 303))
        item = self.takeon.takeon_item_ids.filtered(lambda i: i.side == "client")[:1]
        response = self._post_sign(item)
        self.assertTrue(response.headers["Location"].endswith("/my"))
        self.env.invalidate_all()
        self.assertEqual(item.state, "todo")

    def test_predecessor_cannot_sign_the_service_start_by_url(self):
        self._sign_all_but_service_start()
        self.authenticate(self.portal_predecessor.login, self.portal_predecessor.login)
        self._post_sign(self._service_start())
        self.env.invalidate_all()
        self.assertEqual(self._service_start().state, "todo")
        self.assertEqual(self.takeon.state, "transition")
