"""The case file as one PDF: application, figures, timeline and pages, whose digests are the
audit log's."""

import hashlib
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from counterhall import services
from counterhall.models import AuditEntry
from review import services as review_services
from tests import factories
from tests.casefile import files

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(test_types, teller, window, reviewer):
    case = factories.ready_case(teller=teller, window=window, business_type=test_types.general)
    services.case_pages_add(
        actor=teller,
        case_id=case.pk,
        document_code="form",
        files=[files.jpeg(), files.png(), files.jpeg(size=(800, 300))],
    )
    services.case_pages_add(
        actor=teller, case_id=case.pk, document_code="id", files=[files.pdf(pages=2)]
    )
    services.case_submit(actor=teller, case_id=case.pk, seen_state=None)
    review_services.case_claim(actor=reviewer, case_id=case.pk, seen_state=None)
    review_services.case_approve(actor=reviewer, case_id=case.pk, seen_state=None)
    return case


def test_the_auditor_downloads_one_pdf_whose_pages_match_the_audit_log(
    client, casefile_storage, filed, auditor
):
    client.force_login(auditor)
    response = client.get(reverse("case-file", args=[filed.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"casefile-{filed.number}.pdf" in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    added = AuditEntry.objects.filter(target_id=str(filed.pk), action="page.add").order_by("pk")
    digests = [e.after["sha256"] for e in added]
    assert len(digests) == 4
    for digest in digests:
        assert digest in text
    assert filed.number in text
    # front matter, three image pages, the PDF's caption and its two pages
    assert len(reader.pages) >= 1 + 3 + 1 + 2
    (download,) = AuditEntry.objects.filter(target_id=str(filed.pk), action="case.casefile")
    assert download.actor == auditor
    assert [p["sha256"] for p in download.after["pages"]] == digests


def test_the_pdf_is_drawn_with_the_built_in_chinese_font(filed, auditor):
    pdf = services.case_file_export(actor=auditor, case_id=filed.pk)
    reader = PdfReader(io.BytesIO(pdf))
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in (page.get("/Resources", {}).get_object().get("/Font", {}) or {}).values()
    }
    assert "/STSong-Light" in fonts
    assert "提交复核" in reader.pages[0].extract_text() + reader.pages[1].extract_text()


def test_the_signer_reads_the_case_file_and_the_general_teller_of_a_special_case_does_not(
    client, filed, leader, test_types, special_clerk, special_window, teller
):
    client.force_login(leader)
    assert client.get(reverse("case-file", args=[filed.pk])).status_code == 200
    special = factories.ready_case(
        teller=special_clerk, window=special_window, business_type=test_types.special
    )
    client.force_login(teller)
    assert client.get(reverse("case-file", args=[special.pk])).status_code == 404
    assert not AuditEntry.objects.filter(target_id=str(special.pk), action="case.casefile")


def test_the_file_hashes_in_storage_match_the_rows(filed):
    from counterhall import pages

    for row in filed.pages.all():
        with pages.storage().open(row.file_name, "rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == row.sha256
