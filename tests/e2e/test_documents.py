# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The documents the demo stores look like those printed later from the
running server: wkhtmltopdf fetches a report's styles from the web server,
which does not run while the database is being built, so those PDFs are
printed by the server's cron workers once it runs."""

import base64
import io
import zipfile

from conftest import ADMIN, CLIENT_ALPHA, CLIENT_GAMMA
from harness import wait_for
from PyPDF2 import PdfReader


def _resolved(value):
    return value.get_object() if hasattr(value, "get_object") else value


def fonts(pdf):
    """The fonts the pages of a PDF use, without their subset prefix (read
    through its objects: they may sit in compressed streams)."""
    used = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources = _resolved(page.get("/Resources")) or {}
        for font in (_resolved(resources.get("/Font")) or {}).values():
            name = _resolved(font).get("/BaseFont")
            if name:
                used.add(str(name).split("+")[-1])
    return used


def assert_styled(pdf, what):
    """A report printed without its styles falls back on the browser's serif
    font (DejaVu Serif); with them it uses the layout's fonts (DejaVu Sans, or
    the company's web font, drawn as shapes)."""
    assert pdf.startswith(b"%PDF"), what
    assert PdfReader(io.BytesIO(pdf)).pages, f"{what}: no page"
    used = fonts(pdf)
    assert not any("Serif" in font for font in used), f"{what}: unstyled ({used})"


def attachment(rpc, attachment_id):
    # A cron worker wrote it (another session): the replica that serves this
    # read may not have it yet.
    [record] = wait_for(
        lambda: rpc(ADMIN).call("ir.attachment", "read", [attachment_id], ["datas"]),
        message="the attachment readable",
    )
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


def test_a_french_client_reads_its_portal_and_its_reports_in_french(server, db, rpc):
    """The demo is French first: Gamma's contact reads the portal and the
    service report PDF in French, dates as day/month/year; Alpha's contact,
    English-speaking, reads the same pages in English."""
    gamma = db.value(
        "SELECT id FROM tma_contract WHERE partner_id = %s",
        (db.xmlid("tma_contract.partner_gamma"),),
    )
    alpha = db.value(
        "SELECT id FROM tma_contract WHERE partner_id = %s",
        (db.xmlid("tma_contract.partner_alpha"),),
    )
    assert (
        db.value(
            "SELECT lang FROM res_partner WHERE id = %s",
            (db.xmlid("tma_contract.partner_gamma_contact"),),
        )
        == "fr_FR"
    ), "the demo was not built in French"
    session = rpc(CLIENT_GAMMA).http
    page = session.get(f"{server.url}/my/tma/contracts/{gamma}", timeout=60)
    assert page.status_code == 200
    html = page.text
    assert "Niveaux de service" in html
    assert "Rapports de service mensuels" in html
    assert "heures ouvrées" in html  # what the policy counts in, in French
    assert "Service levels" not in html
    start = db.value("SELECT date_start FROM tma_contract WHERE id = %s", (gamma,))
    assert start.strftime("%d/%m/%Y") in html

    # The service report of last month, printed by a cron worker, in French.
    report_id, date_from = db.rows(
        "SELECT id, date_from FROM tma_sla_service_report "
        "WHERE contract_id = %s ORDER BY date_from LIMIT 1",
        (gamma,),
    )[0]
    wait_for(
        lambda: db.value(
            "SELECT pdf_attachment_id FROM tma_sla_service_report WHERE id = %s",
            (report_id,),
        ),
        timeout=180,
        message="a cron worker to print the demo's service reports",
    )
    response = session.get(
        f"{server.url}/my/tma/sla-reports/{report_id}/pdf", timeout=60
    )
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    # wkhtmltopdf draws the layout's web font as shapes (no text to extract):
    # what it printed is the report's HTML, which the client may open too.
    html = session.get(
        f"{server.url}/report/html/tma_sla.report_tma_sla_service_report/{report_id}",
        timeout=120,
    )
    assert html.status_code == 200
    text = " ".join(html.text.split())
    assert "Activité et niveaux de service" in text
    assert "Définitions" in text
    assert "Activity and service levels" not in text
    assert date_from.strftime("%d/%m/%Y") in text

    # The English-speaking client reads English.
    english = rpc(CLIENT_ALPHA).http.get(
        f"{server.url}/my/tma/contracts/{alpha}", timeout=60
    )
    assert english.status_code == 200
    assert "Service levels" in english.text
    assert "around the clock" in english.text
    assert "Niveaux de service" not in english.text
