"""The electronic case file through the API: a document's pages (list, multipart upload with
the service's refusals as problem details), one page's bytes (audited, via "api") and the
case file as a PDF — the same services as the case page."""

import hashlib

import pytest

from counterhall import services
from counterhall.models import AuditEntry, DocumentPage
from tests import factories
from tests.casefile import files

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(teller, window, test_types):
    return factories.ready_case(teller=teller, window=window, business_type=test_types.general)


def pages_url(case, code="form"):
    return f"/api/v1/cases/{case.pk}/documents/{code}/pages/"


def upload(client, case, *uploads, code="form", **fields):
    return client.post(
        pages_url(case, code), {"files": list(uploads), **fields}, format="multipart"
    )


def test_upload_then_list_gives_number_type_size_digest(api_as, draft, teller):
    client = api_as(teller)
    scan, pdf = files.jpeg("one.jpg"), files.pdf("two.pdf")
    body = scan.read(), pdf.read()
    scan.seek(0), pdf.seek(0)
    r = upload(client, draft, scan, pdf)
    assert r.status_code == 201, r.content
    added = r.json()["results"]
    assert [(p["number"], p["content_type"]) for p in added] == [
        (1, "image/jpeg"),
        (2, "application/pdf"),
    ]
    assert added[0]["size"] == len(body[0])
    assert added[0]["sha256"] == hashlib.sha256(body[0]).hexdigest()
    assert added[0]["added_by"] == "t1" and added[0]["reason"] == ""
    listed = client.get(pages_url(draft)).json()
    assert listed == {"case": draft.pk, "document": "form", "results": added}
    assert client.get(pages_url(draft, "id")).json()["results"] == []
    assert AuditEntry.objects.filter(action="page.add").count() == 2


@pytest.mark.parametrize(
    ("make", "sentence"),
    [
        (files.executable, "内容与文件名不符"),
        (files.text, "只接受 JPEG、PNG 图片和 PDF 文件"),
        (files.pdf_with_javascript, "含有脚本"),
        (files.png_bomb, "图像尺寸过大"),
    ],
    ids=["exe-as-jpg", "other-type", "pdf-javascript", "image-bomb"],
)
def test_a_refused_file_is_a_problem_at_files(api_as, draft, teller, make, sentence):
    r = upload(api_as(teller), draft, files.jpeg("good.jpg"), make())
    assert r.status_code == 400
    assert r["Content-Type"] == "application/problem+json"
    problem = r.json()
    assert sentence in problem["detail"] and sentence in problem["errors"]["files"][0]
    assert not DocumentPage.objects.filter(case=draft).exists()


def test_too_large_no_files_unknown_document_and_state(api_as, settings, draft, teller):
    client = api_as(teller)
    settings.COUNTERHALL_PAGE_MAX_BYTES = 2000
    r = upload(client, draft, files.jpeg(size=(600, 800)))
    assert r.status_code == 400 and "超过每页 2 KB 的上限" in r.json()["errors"]["files"][0]
    r = client.post(pages_url(draft), {"reason": "x"}, format="multipart")
    assert r.status_code == 400 and "请选择要上传的扫描页面" in r.json()["errors"]["files"][0]
    r = upload(client, draft, files.jpeg(), code="passport")
    assert r.status_code == 400 and "没有这项要件" in r.json()["errors"]["document_code"][0]
    assert client.get(pages_url(draft, "passport")).status_code == 404
    services.case_submit(actor=teller, case_id=draft.pk, seen_state=None)
    r = upload(client, draft, files.jpeg(), reason="补扫")
    assert r.status_code == 400 and "只有受理中" in r.json()["detail"]


def test_storage_down_is_503(api_as, settings, tmp_path, draft, teller):
    blocker = tmp_path / "blocked"
    blocker.write_text("not a directory")
    settings.STORAGES = {
        **settings.STORAGES,
        "casefile": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocker / "casefile")},
        },
    }
    r = upload(api_as(teller), draft, files.jpeg())
    assert r.status_code == 503 and r["Content-Type"] == "application/problem+json"
    assert "电子档案存储暂时不可用" in r.json()["detail"]
    assert not DocumentPage.objects.filter(case=draft).exists()


def test_page_bytes_are_the_scan_and_the_view_is_audited(api_as, draft, teller, other_teller):
    scan = files.png("p.png")
    content = scan.read()
    scan.seek(0)
    upload(api_as(teller), draft, scan)
    r = api_as(other_teller).get(pages_url(draft) + "1/")  # one hall: t2 reads t1's case
    assert r.status_code == 200 and r["Content-Type"] == "image/png"
    assert r.content == content and r["Cache-Control"] == "private, no-store"
    entry = AuditEntry.objects.get(action="page.view")
    assert entry.actor.username == "t2" and entry.after["via"] == "api"
    assert entry.after["number"] == 1
    assert api_as(teller).get(pages_url(draft) + "2/").status_code == 404


def test_a_special_case_is_404_to_a_general_teller(
    api_as, teller, special_clerk, special_window, test_types
):
    special = factories.ready_case(
        teller=special_clerk, window=special_window, business_type=test_types.special
    )
    assert upload(api_as(special_clerk), special, files.jpeg()).status_code == 201
    client = api_as(teller)
    for path in (
        pages_url(special),
        pages_url(special) + "1/",
        f"/api/v1/cases/{special.pk}/file.pdf",
    ):
        r = client.get(path)
        assert r.status_code == 404 and r["Content-Type"] == "application/problem+json", path
    assert upload(client, special, files.jpeg()).status_code == 404
    assert not AuditEntry.objects.filter(action__in=["page.view", "case.casefile"]).exists()


def test_the_case_file_is_a_pdf_and_audited(api_as, draft, teller, auditor):
    upload(api_as(teller), draft, files.jpeg())
    r = api_as(auditor).get(f"/api/v1/cases/{draft.pk}/file.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF-")
    assert f"casefile-{draft.number}.pdf" in r["Content-Disposition"]
    entry = AuditEntry.objects.get(action="case.casefile")
    assert entry.actor == auditor and len(entry.after["pages"]) == 1


def test_a_client_asking_for_the_files_type_gets_it(api_as, draft, teller):
    upload(api_as(teller), draft, files.jpeg())
    client = api_as(teller)
    r = client.get(pages_url(draft) + "1/", HTTP_ACCEPT="image/jpeg")
    assert r.status_code == 200 and r["Content-Type"] == "image/jpeg"
    r = client.get(pages_url(draft) + "9/", HTTP_ACCEPT="image/jpeg")
    assert r.status_code == 404 and r.json()["status"] == 404
    r = client.get(f"/api/v1/cases/{draft.pk}/file.pdf", HTTP_ACCEPT="application/pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
