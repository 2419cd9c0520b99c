# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The documents the demo stores look like those printed later from the
running server: wkhtmltopdf fetches a report's styles from the web server,
which does not run while the database is being built, so those PDFs are
printed by the server's cron workers once it runs."""

import base64
import io
import re
import zipfile

from conftest import ADMIN
from harness import wait_for

FONTS = re.compile(rb"/BaseFont\s*/([A-Za-z0-9+_-]+)")


def fonts(pdf):
    """The fonts a PDF uses, without their subset prefix."""
    return {name.split(b"+")[-1].decode() for name in FONTS.findall(pdf)}


def assert_styled(pdf, what):
    """A report printed without its styles falls back on the browser's serif
    font; with them it uses the layout's sans-serif fonts."""
    assert pdf.startswith(b"%PDF"), what
    used = fonts(pdf)
    assert used, f"{what}: no font"
    assert not any("Serif" in font for font in used), f"{what}: unstyled ({used})"


def attachment(rpc, attachment_id):
    [record] = rpc(ADMIN).call("ir.attachment", "read", [attachment_id], ["datas"])
    return base64.b64decode(record["datas"])


def test_demo_service_reports_are_printed_with_their_styles(server, db, rpc):
    assert db.value("SELECT count(*) FROM tma_sla_service_report"), "no demo report"
    wait_for(
        lambda: (
            not db.value(
                "SELECT count(*) FROM tma_sla_service_report "
                "WHERE pdf_attachment_id IS NULL"
            )
        ),
        timeout=180,
        message="the cron workers to print the demo's service reports",
    )
    for report_id, attachment_id in db.rows(
        "SELECT id, pdf_attachment_id FROM tma_sla_service_report ORDER BY id"
    ):
        assert_styled(attachment(rpc, attachment_id), f"service report {report_id}")


def test_demo_package_summary_is_printed_with_its_styles(server, db, rpc):
    package_id = db.value("SELECT MIN(id) FROM tma_reversibility_package")
    assert package_id, "no demo package"
    wait_for(
        lambda: db.value(
            "SELECT state = 'done' FROM tma_reversibility_package WHERE id = %s",
            (package_id,),
        ),
        timeout=180,
        message="a cron worker to build the demo's package",
    )
    attachment_id = db.value(
        "SELECT attachment_id FROM tma_reversibility_package WHERE id = %s",
        (package_id,),
    )
    with zipfile.ZipFile(io.BytesIO(attachment(rpc, attachment_id))) as archive:
        summary = archive.read("summary.pdf")
    assert_styled(summary, "package summary")
