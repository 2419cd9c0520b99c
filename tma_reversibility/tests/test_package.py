# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import hashlib
import io
import json
import zipfile

import openpyxl
from markupsafe import Markup

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import SQL, html2plaintext, mute_logger

from odoo.addons.tma_contract.tests.common import assert_on_letterhead
from odoo.addons.tma_reversibility.models.utils import sql_html_to_text

from .common import TmaReversibilityCommon


@tagged("post_install", "-at_install")
class TestPackage(TmaReversibilityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._add_book(cls.contract, 10)
        cls.ticket = cls._create_ticket(cls.contract, name="Broken export")
        cls.ticket._tma_record_consumption()
        cls.ticket.message_post(
            body=Markup("<p>We are <b>on it</b></p>"),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        cls.document = cls.env["tma.document"].create(
            {
                "contract_id": cls.contract.id,
                "name": "Architecture",
                "doc_type": "architecture",
                "file": base64.b64encode(b"architecture diagram"),
                "file_name": "archi.txt",
            }
        )

    def _build(self):
        package = self.env["tma.reversibility.package"]._request(self.contract)
        self.assertEqual(package.state, "queued")
        self.env["tma.reversibility.package"]._cron_build_packages()
        self.assertEqual(package.state, "done")
        return package

    def test_package_summary_is_on_the_letterhead(self):
        package = self.env["tma.reversibility.package"]._request(self.contract)
        html = assert_on_letterhead(
            self, "tma_reversibility.report_tma_package", package
        )
        self.assertIn(self.contract.name, html)

    def test_package_holds_a_verifiable_manifest_workbook_and_documents(self):
        package = self._build()
        content = package.attachment_id.raw
        self.assertEqual(hashlib.sha256(content).hexdigest(), package.sha256)
        archive = zipfile.ZipFile(io.BytesIO(content))
        manifest = json.loads(archive.read("manifest.json"))
        self.assertEqual(manifest["contract"], self.contract.name)
        paths = {f["path"] for f in manifest["files"]}
        self.assertIn("workbook.xlsx", paths)
        self.assertIn("summary.pdf", paths)
        self.assertIn(f"documents/{self.document.id}-archi.txt", paths)
        for entry in manifest["files"]:
            data = archive.read(entry["path"])
            self.assertEqual(hashlib.sha256(data).hexdigest(), entry["sha256"])
            self.assertEqual(len(data), entry["size"])
        book = openpyxl.load_workbook(io.BytesIO(archive.read("workbook.xlsx")))
        for sheet in ("Tickets", "History", "Time spent", "Unit ledger", "Checklist"):
            self.assertIn(sheet, book.sheetnames)
        tickets = [row[1].value for row in book["Tickets"].iter_rows(min_row=2)]
        self.assertEqual(tickets, ["Broken export"])
        history = [row[4].value for row in book["History"].iter_rows(min_row=2)]
        self.assertIn("We are *on it*", history)
        self.assertEqual(book["Unit ledger"].max_row, 1 + 2)  # credit, consumption
        if "tma.sla.timer" in self.env:  # tma_sla installed beside
            self.assertIn("SLA timers", book.sheetnames)
        # Escalations are the provider's business: the portal does not show them.
        self.assertNotIn("Escalations", book.sheetnames)

    def _workbook(self, package):
        archive = zipfile.ZipFile(io.BytesIO(package.attachment_id.raw))
        return openpyxl.load_workbook(io.BytesIO(archive.read("workbook.xlsx")))

    def test_package_holds_what_the_client_sees_in_the_portal_only(self):
        """Staff-only notes, internal messages and timesheets the portal hides
        stay out of the client's package."""
        self.ticket.message_post(
            body=Markup("<p>Staff only: the client's DBA is hopeless</p>"),
            subtype_xmlid="mail.mt_note",
        )
        self.ticket.message_post(
            body=Markup("<p>Internal comment marked internal</p>"),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        ).is_internal = True
        self.ticket._message_log(body=Markup("<p>Logged by the system</p>"))
        # A reply the client sees in the portal.
        self.ticket.message_post(
            body=Markup("<p>Fixed in production</p>"),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        project = self.env["project.project"].create(
            {"name": "TMA", "allow_timesheets": True}
        )
        self.team.write({"allow_timesheet": True, "default_project_id": project.id})
        employee = self.env["hr.employee"].create({"name": "Eng"})
        self.env["account.analytic.line"].create(
            {
                "name": "Investigated the hopeless DBA's index",
                "project_id": project.id,
                "ticket_id": self.ticket.id,
                "unit_amount": 2.0,
                "employee_id": employee.id,
            }
        )
        # An archived ticket (a duplicate, say) is out of the portal: out of
        # the package too, with its messages.
        duplicate = self._create_ticket(self.contract, name="Duplicate of export")
        duplicate.message_post(
            body=Markup("<p>Closing as duplicate</p>"),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        duplicate.active = False
        book = self._workbook(self._build())
        self.assertEqual(
            [row[1].value for row in book["Tickets"].iter_rows(min_row=2)],
            ["Broken export"],
        )
        history = " ".join(
            str(row[4].value) for row in book["History"].iter_rows(min_row=2)
        )
        self.assertIn("Fixed in production", history)
        self.assertIn("We are *on it*", history)
        for secret in (
            "Staff only",
            "marked internal",
            "Logged by the system",
            "Closing as duplicate",
        ):
            self.assertNotIn(secret, history)
        # The team does not show timesheets in the portal: none exported.
        self.assertEqual(book["Time spent"].max_row, 1)
        # Once the portal shows them, the package has them too.
        self.team.show_timesheet_portal = True
        book = self._workbook(self._build())
        self.assertEqual(
            [row[3].value for row in book["Time spent"].iter_rows(min_row=2)],
            ["Investigated the hopeless DBA's index"],
        )

    def test_building_again_is_idempotent(self):
        first = self._build()
        second = self._build()
        self.assertNotEqual(first, second)
        self.assertEqual(second.attachment_id, first.attachment_id)
        self.assertEqual(second.sha256, first.sha256)
        # A change in the data gives a new package.
        self.document.version = "2.0"
        self.document.file = base64.b64encode(b"architecture diagram v2")
        third = self._build()
        self.assertNotEqual(third.sha256, first.sha256)

    def test_one_pending_request_per_contract(self):
        Package = self.env["tma.reversibility.package"]
        first = Package._request(self.contract)
        self.assertEqual(Package._request(self.contract), first)

    def test_package_for_a_draft_contract_is_refused(self):
        draft = self._create_contract(activate=False)
        with self.assertRaisesRegex(UserError, "not for"):
            self.env["tma.reversibility.package"]._request(draft)
        self.assertFalse(
            self.env["tma.reversibility.package"].search(
                [("contract_id", "=", draft.id)]
            )
        )

    def test_a_failed_build_is_recorded_notified_and_retried(self):
        # An administrator's customisation breaks the summary's template.
        broken = self.env["ir.ui.view"].create(
            {
                "name": "Broken summary",
                "type": "qweb",
                "inherit_id": self.env.ref(
                    "tma_reversibility.report_tma_package_document"
                ).id,
                "arch": '<xpath expr="//h4" position="before">'
                '<t t-out="doc.contract_id.name / 0"/></xpath>',
            }
        )
        Package = self.env["tma.reversibility.package"]
        package = Package.with_user(self.engineer)._request(self.contract)
        with mute_logger(
            "odoo.addons.tma_reversibility.models.tma_reversibility_package"
        ):
            Package._cron_build_packages()
        self.assertEqual(package.state, "failed")
        self.assertTrue(package.error)
        self.assertFalse(package.attachment_id)
        self.assertFalse(package.sha256)
        notice = package.message_ids.filtered(
            lambda m: self.engineer.partner_id in m.partner_ids
        )
        self.assertIn("could not be built", str(notice.body))
        # Not built again and again: the next runs leave it alone.
        self.assertFalse(Package._cron_build_packages())
        self.assertEqual(package.state, "failed")
        # Only staff build it again, and only a failed one.
        with self.assertRaisesRegex(UserError, "Only TMA staff"):
            package.with_user(self.portal_a).action_retry()
        self.assertEqual(package.state, "failed")
        broken.active = False
        package.with_user(self.engineer).action_retry()
        self.assertEqual(package.state, "queued")
        self.assertFalse(package.error)
        Package._cron_build_packages()
        self.assertEqual(package.state, "done")
        self.assertTrue(package.attachment_id)
        with self.assertRaisesRegex(UserError, "whose build failed"):
            package.with_user(self.engineer).action_retry()
        self.assertEqual(package.state, "done")

    def test_the_workbook_speaks_the_clients_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["tma_reversibility"], ["fr_FR"]
        )
        self.client_a.lang = "fr_FR"
        self.ticket.stage_id.with_context(lang="fr_FR").name = "Nouveau (FR)"
        self.ticket.tma_maintenance_type_id = self.corrective
        self.corrective.with_context(lang="fr_FR").name = "Corrective (FR)"
        self.contract.action_start_reversibility()
        # Whoever builds it (a cron in English), the client reads French.
        self.assertNotEqual(self.env.lang, "fr_FR")
        package = self._build()
        book = self._workbook(package)
        # So does its notification, written for the client.
        self.assertIn(
            "dossier de réversibilité est prêt", str(package.message_ids[0].body)
        )
        self.assertIn("Historique", book.sheetnames)
        self.assertNotIn("History", book.sheetnames)
        ticket_row = next(book.worksheets[0].iter_rows(min_row=2))
        self.assertEqual(ticket_row[2].value, "Nouveau (FR)")
        self.assertEqual(ticket_row[6].value, "Corrective (FR)")
        checklist = book.worksheets[4]
        self.assertEqual(checklist["B1"].value, "Partie")
        sides = {row[1].value for row in checklist.iter_rows(min_row=2)}
        self.assertIn("Prestataire", sides)
        self.assertNotIn("provider", sides)
        # A client in English reads English.
        self.client_a.lang = "en_US"
        book = self._workbook(self._build())
        self.assertIn("History", book.sheetnames)
        ticket_row = next(book.worksheets[0].iter_rows(min_row=2))
        self.assertNotEqual(ticket_row[2].value, "Nouveau (FR)")

    def test_workbook_has_the_documentation_register_and_monthly_kpis(self):
        link = self.env["tma.document"].create(
            {
                "contract_id": self.contract.id,
                "name": "Source code",
                "doc_type": "source",
                "version": "3.2",
                "url": "https://git.example.com/client-a",
            }
        )
        self.document.next_review_date = "2030-01-01"
        package = self._build()
        archive = zipfile.ZipFile(io.BytesIO(package.attachment_id.raw))
        book = openpyxl.load_workbook(io.BytesIO(archive.read("workbook.xlsx")))
        register = {
            row[0].value: [cell.value for cell in row]
            for row in book["Documentation register"].iter_rows(min_row=2)
        }
        archi = register["Architecture"]
        self.assertEqual(archi[1], "Architecture")
        self.assertEqual(archi[2], "1.0")
        self.assertEqual(archi[3].date(), self.document.date)
        self.assertEqual(archi[4].date(), self.document.next_review_date)
        # The path is the file's in the ZIP: the register leads to it.
        self.assertEqual(archi[7], f"documents/{self.document.id}-archi.txt")
        self.assertEqual(archive.read(archi[7]), b"architecture diagram")
        source = register["Source code"]
        self.assertEqual(source[1:3], ["Source code location", "3.2"])
        self.assertEqual(source[7], link.url)
        self.assertEqual(len(register), len(self.contract.document_ids))
        # KPIs per month of the contract's life: this month, one ticket
        # opened, one unit consumed.
        kpis = [
            [cell.value for cell in row] for row in book["KPIs"].iter_rows(min_row=2)
        ]
        month = self.contract.date_start.strftime("%Y-%m")
        self.assertIn([month, "Tickets opened", 1], kpis)
        self.assertIn([month, "Units consumed", 1], kpis)
        self.assertEqual({row[0] for row in kpis}, {month})

    def test_history_text_is_the_message_as_the_portal_writes_it(self):
        """PostgreSQL turns the messages' HTML into text as html2plaintext
        does (a link keeps its address beside its text)."""

        def as_text(html):
            self.env.cr.execute(SQL("SELECT %s", sql_html_to_text(SQL("%s", html))))
            return self.env.cr.fetchone()[0]

        for html in (
            "<p>We are <b>on it</b></p>",
            "<p>a &amp; b<br>c</p><p>d &lt;e&gt;</p>",
            "<p>x&nbsp;y <strong>z</strong></p>",
        ):
            with self.subTest(html=html):
                self.assertEqual(as_text(html), html2plaintext(html))
        self.assertEqual(
            as_text("<div><p>Fixed in <i>production</i>.</p></div>"),
            "Fixed in production.",
        )
        self.assertEqual(
            as_text('<p>See <a href="https://x.example.com/a">the log</a>.</p>'),
            "See the log [https://x.example.com/a].",
        )
        self.assertIsNone(as_text(None))
        # A workbook cell is text, never a formula.
        self.ticket.message_post(
            body=Markup("<p>=HYPERLINK(&quot;https://evil.example.com&quot;)</p>"),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        book = self._workbook(self._build())
        cells = [row[4] for row in book["History"].iter_rows(min_row=2)]
        formula = next(c for c in cells if "HYPERLINK" in str(c.value))
        self.assertEqual(formula.data_type, "s")
