# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The journal of acts leaves the database in the reversibility package: a
sheet of the workbook, and ``journal.jsonl`` listed in the manifest, which
the standalone verifier re-checks without Odoo."""

import io
import json
import os
import subprocess
import sys
import tempfile
import zipfile

import openpyxl
from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.tma_contract.tools import verify_journal

from .common import TmaReversibilityCommon

VERIFIER = verify_journal.__file__


@tagged("post_install", "-at_install")
class TestPackageJournal(TmaReversibilityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Journal = cls.env["tma.act.journal"]
        cls.entries = Journal
        for minute, code in enumerate(("rating", "minutes_approval", "rating")):
            with freeze_time(f"2026-03-10 09:{30 + minute}:00"):
                cls.entries |= Journal._tma_append(
                    cls.contract,
                    {
                        "code": code,
                        "res_model": "tma.contract",
                        "res_id": cls.contract.id,
                        "partner_id": cls.client_a.id,
                        "actor_partner_id": cls.portal_a.partner_id.id,
                        "user_id": cls.portal_a.id,
                        "values": {"rating": 5 - minute, "note": "très bien"},
                    },
                )

    def _package_file(self):
        package = self.env["tma.reversibility.package"]._request(self.contract)
        self.env["tma.reversibility.package"]._cron_build_packages()
        self.assertEqual(package.state, "done")
        handle = tempfile.NamedTemporaryFile(suffix=".zip", delete=False)
        self.addCleanup(os.unlink, handle.name)
        with handle:
            handle.write(package.attachment_id.raw)
        return handle.name

    def _rewrite_journal(self, path, edit):
        """A copy of the package at ``path`` whose journal.jsonl lines went
        through ``edit`` (the manifest kept as it was)."""
        with zipfile.ZipFile(path) as archive:
            contents = {name: archive.read(name) for name in archive.namelist()}
        lines = contents["journal.jsonl"].decode().splitlines()
        contents["journal.jsonl"] = ("\n".join(edit(lines)) + "\n").encode()
        tampered = path.replace(".zip", "-tampered.zip")
        self.addCleanup(os.unlink, tampered)
        with zipfile.ZipFile(tampered, "w") as archive:
            for name, data in contents.items():
                archive.writestr(name, data)
        return tampered

    def _run(self, path):
        return subprocess.run(
            [sys.executable, VERIFIER, path],
            capture_output=True,
            text=True,
            check=False,
            # Under libfaketime (the test command's clock-ahead step) the
            # sleeps of a wait with a timeout fail with EINVAL: no timeout.
            timeout=None if "FAKETIME" in os.environ else 60,
        )

    def test_package_holds_the_journal_as_json_lines_and_a_sheet(self):
        path = self._package_file()
        with zipfile.ZipFile(path) as archive:
            manifest = json.loads(archive.read("manifest.json"))
            lines = archive.read("journal.jsonl").decode().splitlines()
            book = openpyxl.load_workbook(io.BytesIO(archive.read("workbook.xlsx")))
        self.assertIn("journal.jsonl", {f["path"] for f in manifest["files"]})
        self.assertEqual(len(lines), 3)
        first = json.loads(lines[0])
        self.assertEqual(
            set(first),
            set(self.env["tma.act.journal"]._get_integrity_hash_fields())
            | {"inalterable_hash"},
        )
        self.assertEqual(first["sequence"], 1)
        self.assertEqual(first["recorded_on"], "2026-03-10 09:30:00")
        self.assertEqual(first["inalterable_hash"], self.entries[0].inalterable_hash)
        sheet = book["Journal of acts"]
        rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
        self.assertEqual([row[0] for row in rows], [1, 2, 3])
        self.assertEqual(rows[1][2], "minutes_approval")
        self.assertEqual(rows[0][4], self.client_a.display_name)
        self.assertEqual(rows[2][8], self.entries[2].inalterable_hash)

    def test_the_verifier_says_ok_on_an_intact_package(self):
        path = self._package_file()
        result = self._run(path)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("OK", result.stdout)
        self.assertIn(f"No. 3, hash {self.entries[2].inalterable_hash}", result.stdout)
        problems, last, last_hash = verify_journal.verify(path)
        self.assertEqual((problems, last), ([], 3))
        self.assertEqual(last_hash, self.entries[2].inalterable_hash)
        # journal.jsonl alone verifies too.
        with zipfile.ZipFile(path) as archive:
            jsonl = archive.extract("journal.jsonl", os.path.dirname(path))
        self.addCleanup(os.unlink, jsonl)
        self.assertEqual(verify_journal.verify(jsonl)[0], [])

    def test_the_verifier_names_an_altered_entry(self):
        def alter(lines):
            entry = json.loads(lines[1])
            entry["values_json"] = entry["values_json"].replace("4", "1")
            lines[1] = json.dumps(entry)
            return lines

        tampered = self._rewrite_journal(self._package_file(), alter)
        result = self._run(tampered)
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertIn("entry No. 2 was altered", result.stdout)
        self.assertIn("differs from the manifest", result.stdout)
        problems, _last, _hash = verify_journal.verify(tampered)
        self.assertIn("entry No. 2 was altered", problems[0])

    def test_the_verifier_names_a_removed_entry(self):
        tampered = self._rewrite_journal(
            self._package_file(), lambda lines: [lines[0], lines[2]]
        )
        result = self._run(tampered)
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertIn("entry No. 2 is missing", result.stdout)
        problems, last, _hash = verify_journal.verify(tampered)
        self.assertIn("entry No. 2 is missing", problems[0])
        self.assertEqual(last, 1)

    def test_the_model_and_the_verifier_share_one_hash(self):
        entry = self.entries[0]
        self.assertFalse(self.contract._tma_verify_journal())
        exported = list(self.env["tma.act.journal"]._tma_export_entries(self.contract))
        self.assertEqual(
            verify_journal.entry_hash(exported[0], ""), entry.inalterable_hash
        )
