"""The electronic case file: scanning pages into a case's checklist, the refusals, who sees
the pages, and the audit entries that carry each page's SHA-256."""

import hashlib
import io
import socket

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from counterhall import pages, services
from counterhall.exceptions import StorageUnavailable
from counterhall.models import AuditEntry, CaseState, DocumentPage
from review import services as review_services
from tests import factories
from tests.casefile import files
from tests.casefile.conftest import S3_ENDPOINT, s3_options, stored_names

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(test_types, teller, window):
    return factories.ready_case(teller=teller, window=window, business_type=test_types.general)


def add(case, teller, *uploads, code="id", reason=""):
    return services.case_pages_add(
        actor=teller, case_id=case.pk, document_code=code, files=list(uploads), reason=reason
    )


def page_entries(case, action="page.add"):
    return list(
        AuditEntry.objects.filter(
            target_type="counterhall.case", target_id=str(case.pk), action=action
        ).order_by("pk")
    )


def view_entries(page):
    return list(
        AuditEntry.objects.filter(
            target_type="counterhall.documentpage", target_id=str(page.pk), action="page.view"
        ).order_by("pk")
    )


def assert_nothing_stored(case):
    assert not DocumentPage.objects.filter(case=case).exists()
    assert not page_entries(case)
    assert stored_names(pages.storage()) == []


# --------------------------------------------------------------------------- adding


def test_pages_are_stored_with_their_digest_number_and_audit_entry(casefile_storage, draft, teller):
    uploads = [files.jpeg("a.jpg"), files.png("b.png"), files.pdf("c.pdf")]
    contents = [u.read() for u in uploads]
    for u in uploads:
        u.seek(0)
    added = add(draft, teller, *uploads, code="form")
    assert [p.number for p in added] == [1, 2, 3]
    assert [p.content_type for p in added] == ["image/jpeg", "image/png", "application/pdf"]
    for page, content in zip(added, contents, strict=True):
        assert page.sha256 == hashlib.sha256(content).hexdigest()
        assert page.size == len(content)
        assert page.added_by == teller
        with pages.storage().open(page.file_name, "rb") as handle:
            assert handle.read() == content
    entries = page_entries(draft)
    assert [e.after["sha256"] for e in entries] == [p.sha256 for p in added]
    assert {e.after["document"] for e in entries} == {"form"}
    # a second scan of the same document continues the numbering
    (more,) = add(draft, teller, files.jpeg(), code="form")
    assert more.number == 4


def test_pages_of_another_document_number_from_one(draft, teller):
    add(draft, teller, files.jpeg(), files.jpeg(), code="form")
    (first,) = add(draft, teller, files.png(), code="id")
    assert first.number == 1


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("upload", "sentence"),
    [
        (files.executable, "内容与文件名不符"),
        (files.text, "只接受 JPEG、PNG 图片和 PDF 文件"),
        (files.pdf_with_javascript, "含有脚本"),
        (files.png_bomb, "图像尺寸过大"),
        (files.truncated_jpeg, "已损坏"),
        (lambda: files.png("really-a-png.jpg"), "内容与文件名不符"),
    ],
    ids=["exe-as-jpg", "other-type", "pdf-javascript", "image-bomb", "truncated", "png-as-jpg"],
)
def test_bad_files_are_refused_and_nothing_is_stored(
    casefile_storage, draft, teller, upload, sentence
):
    with pytest.raises(ValidationError) as refused:
        add(draft, teller, files.jpeg("good.jpg"), upload())
    assert sentence in " ".join(refused.value.messages)
    assert_nothing_stored(draft)


def test_a_page_over_the_limit_is_refused(casefile_storage, settings, draft, teller):
    settings.COUNTERHALL_PAGE_MAX_BYTES = 2000
    with pytest.raises(ValidationError, match="超过每页 2 KB 的上限"):
        add(draft, teller, files.jpeg(size=(600, 800)))
    assert_nothing_stored(draft)


def test_a_case_over_its_total_is_refused(casefile_storage, settings, draft, teller):
    settings.COUNTERHALL_CASE_PAGES_MAX_BYTES = 3000
    add(draft, teller, files.jpeg(size=(40, 40)))
    before = stored_names(pages.storage())
    with pytest.raises(ValidationError, match="合计不能超过"):
        add(draft, teller, files.noise_png(), files.jpeg())
    assert DocumentPage.objects.filter(case=draft).count() == 1
    assert len(page_entries(draft)) == 1
    assert stored_names(pages.storage()) == before


def test_limits_default_to_ten_and_a_hundred_megabytes():
    from django.conf import settings

    assert settings.COUNTERHALL_PAGE_MAX_BYTES == 10 * 1024 * 1024
    assert settings.COUNTERHALL_CASE_PAGES_MAX_BYTES == 100 * 1024 * 1024


def test_the_sniffer_reads_content_not_names():
    assert pages.sniff(b"\xff\xd8\xff\xe0") == "image/jpeg"
    assert pages.sniff(b"\x89PNG\r\n\x1a\n") == "image/png"
    assert pages.sniff(b"%PDF-1.7") == "application/pdf"
    assert pages.sniff(b"MZ\x90\x00") is None


@pytest.fixture
def storage_down(casefile_storage, settings, tmp_path):
    """The case file's storage, broken: a filesystem location under a plain file, or an
    object store nobody answers at."""
    if casefile_storage == "s3":
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]  # closed again: nothing listens there
        options = s3_options(f"http://127.0.0.1:{port}", "casefile-down")
        backend = "storages.backends.s3.S3Storage"
    else:
        blocker = tmp_path / "blocked"
        blocker.write_text("not a directory")
        options = {"location": str(blocker / "casefile")}
        backend = "django.core.files.storage.FileSystemStorage"
    settings.STORAGES = {**settings.STORAGES, "casefile": {"BACKEND": backend, "OPTIONS": options}}


def test_a_storage_that_is_down_leaves_the_case_unchanged(storage_down, draft, teller):
    documents = draft.documents
    with pytest.raises(StorageUnavailable, match="存储暂时不可用"):
        add(draft, teller, files.jpeg(), files.png())
    draft.refresh_from_db()
    assert draft.documents == documents
    assert not DocumentPage.objects.filter(case=draft).exists()
    assert not page_entries(draft)


def test_a_storage_failing_midway_removes_what_it_wrote(
    casefile_storage, draft, teller, monkeypatch
):
    store = pages.storage()
    real_save = store.save
    calls = []

    def flaky_save(name, content, **kwargs):
        calls.append(name)
        if len(calls) == 2:
            raise OSError("disk full")
        return real_save(name, content, **kwargs)

    monkeypatch.setattr(store, "save", flaky_save)
    with pytest.raises(StorageUnavailable):
        add(draft, teller, files.jpeg(), files.png(), files.jpeg())
    assert_nothing_stored(draft)


# --------------------------------------------------------------------------- who, when


def test_only_the_cases_teller_adds_pages(draft, other_teller):
    with pytest.raises(PermissionDenied):
        add(draft, other_teller, files.jpeg())
    assert not DocumentPage.objects.exists()


def test_unknown_document_is_refused(draft, teller):
    with pytest.raises(ValidationError, match="没有这项要件"):
        add(draft, teller, files.jpeg(), code="passport")


def test_a_page_is_removed_before_submission_with_its_digest_in_the_log(
    casefile_storage, draft, teller, django_capture_on_commit_callbacks
):
    (page,) = add(draft, teller, files.jpeg())
    with django_capture_on_commit_callbacks(execute=True):
        services.case_page_remove(actor=teller, page_id=page.pk)
    assert not DocumentPage.objects.exists()
    (entry,) = page_entries(draft, "page.remove")
    assert entry.before["sha256"] == page.sha256
    assert stored_names(pages.storage()) == []


def test_no_page_is_removed_after_submission_a_correction_adds_one_with_a_reason(
    draft, teller, reviewer
):
    (page,) = add(draft, teller, files.jpeg())
    services.case_submit(actor=teller, case_id=draft.pk, seen_state=None)
    with pytest.raises(ValidationError, match="提交复核后不能删除页面"):
        services.case_page_remove(actor=teller, page_id=page.pk)
    with pytest.raises(ValidationError, match="只有受理中"):
        add(draft, teller, files.jpeg(), reason="更清晰")
    review_services.case_claim(actor=reviewer, case_id=draft.pk, seen_state=None)
    review_services.case_return(
        actor=reviewer, case_id=draft.pk, seen_state=None, reasons=["身份证看不清"]
    )
    with pytest.raises(ValidationError, match="须说明原因"):
        add(draft, teller, files.jpeg())
    with pytest.raises(ValidationError, match="提交复核后不能删除页面"):
        services.case_page_remove(actor=teller, page_id=page.pk)
    (better,) = add(draft, teller, files.png(), reason="重新扫描，更清晰")
    assert better.number == 2
    assert better.reason == "重新扫描，更清晰"
    assert page_entries(draft)[-1].note == "重新扫描，更清晰"
    assert DocumentPage.objects.filter(pk=page.pk).exists()


# --------------------------------------------------------------------------- seeing pages


def test_every_view_of_a_page_is_audited_and_general_tellers_never_see_special_pages(
    client, test_types, special_clerk, special_window, teller, auditor, leader
):
    case = factories.ready_case(
        teller=special_clerk, window=special_window, business_type=test_types.special
    )
    (page,) = add(case, special_clerk, files.jpeg())
    url = reverse("case-page", args=[page.pk])

    client.force_login(teller)  # a general teller: 404, like the case itself
    assert client.get(url).status_code == 404
    assert client.get(reverse("case-file", args=[case.pk])).status_code == 404
    assert not view_entries(page)

    for reader in (special_clerk, auditor, leader):
        client.force_login(reader)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert "no-store" in response["Cache-Control"]
        assert hashlib.sha256(response.content).hexdigest() == page.sha256
    views = view_entries(page)
    assert [v.actor for v in views] == [special_clerk, auditor, leader]
    assert {v.after["sha256"] for v in views} == {page.sha256}
    assert {v.hall_id for v in views} == {case.hall_id}
    thumb = client.get(url + "?via=thumb")
    assert thumb["Content-Type"] == "image/jpeg"
    assert view_entries(page)[-1].after["via"] == "thumb"
    assert not page_entries(case, "page.view")  # the case's history stays its acts


def test_the_workspace_shows_which_rows_have_pages_and_takes_uploads(client, draft, teller):
    client.force_login(teller)
    response = client.post(
        reverse("case-pages-add", args=[draft.pk]),
        {"document_code": "id", "seen_state": draft.state, "files": [files.jpeg(), files.pdf()]},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#doc-id")
    assert DocumentPage.objects.filter(case=draft, document_code="id").count() == 2
    page = client.get(reverse("case-detail", args=[draft.pk])).content.decode()
    assert 'data-pages="2"' in page
    assert 'data-pages="0"' in page  # the form row has none yet
    assert 'capture="environment"' in page
    assert "multiple" in page


def test_a_refused_upload_says_why_on_the_page(client, draft, teller):
    client.force_login(teller)
    response = client.post(
        reverse("case-pages-add", args=[draft.pk]),
        {"document_code": "id", "seen_state": draft.state, "files": [files.executable()]},
        follow=True,
    )
    assert "内容与文件名不符" in response.content.decode()
    assert not DocumentPage.objects.exists()


def test_storage_down_on_the_page_is_a_clear_message(client, storage_down, draft, teller):
    client.force_login(teller)
    response = client.post(
        reverse("case-pages-add", args=[draft.pk]),
        {"document_code": "id", "seen_state": draft.state, "files": [files.jpeg()]},
        follow=True,
    )
    assert "存储暂时不可用" in response.content.decode()
    assert not DocumentPage.objects.exists()


def test_the_reviewer_sees_pages_beside_the_application_and_names_the_wrong_document(
    client, draft, teller, reviewer
):
    add(draft, teller, files.jpeg(), code="form")
    add(draft, teller, files.jpeg(), code="id")
    services.case_submit(actor=teller, case_id=draft.pk, seen_state=None)
    review_services.case_claim(actor=reviewer, case_id=draft.pk, seen_state=None)
    client.force_login(reviewer)
    page = client.get(reverse("review:case", args=[draft.pk])).content.decode()
    assert page.count('class="page-thumb image"') == 2
    assert 'id="page-viewer"' in page
    assert 'name="documents"' in page
    assert 'type="file"' not in page  # read-only for the reviewer
    response = client.post(
        reverse("review:decision", args=[draft.pk, "return"]),
        {"seen_state": CaseState.IN_REVIEW, "documents": ["id"]},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == CaseState.RETURNED
    assert draft.return_reasons == ["要件有误，请重新扫描：要件 id"]


def test_s3_tests_say_why_they_skip():
    if not S3_ENDPOINT:
        pytest.skip(
            "no S3-compatible server: set COUNTERHALL_TEST_S3_ENDPOINT (.ci/run starts moto)"
        )
    import boto3

    assert boto3.client("s3", endpoint_url=S3_ENDPOINT, region_name="us-east-1").list_buckets()


def test_a_big_scan_is_sent_small_as_a_thumbnail(client, draft, teller):
    from PIL import Image

    (page,) = add(draft, teller, files.noise_png(size=(1200, 1600)))
    client.force_login(teller)
    thumb = client.get(reverse("case-page", args=[page.pk]) + "?via=thumb")
    assert thumb["Content-Type"] == "image/jpeg"
    assert len(thumb.content) < page.size / 4
    with Image.open(io.BytesIO(thumb.content)) as image:
        assert max(image.size) <= 320


def test_reading_from_a_storage_that_is_down_is_a_clear_503(
    client, draft, teller, auditor, settings, tmp_path
):
    (page,) = add(draft, teller, files.jpeg())
    settings.STORAGES = {
        **settings.STORAGES,
        "casefile": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "elsewhere")},
        },
    }
    client.force_login(auditor)
    response = client.get(reverse("case-page", args=[page.pk]))
    assert response.status_code == 503
    assert "存储暂时不可用" in response.content.decode()
    assert not view_entries(page)
    response = client.get(reverse("case-file", args=[draft.pk]))
    assert response.status_code == 503
    assert not page_entries(draft, "case.casefile")


def test_a_scanners_open_action_is_accepted(draft, teller):
    (page,) = add(draft, teller, files.pdf_opening_at_its_first_page())
    assert page.content_type == "application/pdf"


def test_actions_that_run_something_are_told_from_destinations():
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject

    def action(kind):
        return DictionaryObject({NameObject("/S"): NameObject(kind)})

    for kind in ("/JavaScript", "/Launch", "/SubmitForm", "/ImportData"):
        assert pages._active(action(kind))
    assert not pages._active(action("/GoTo"))
    assert not pages._active(ArrayObject([NumberObject(0), NameObject("/Fit")]))
    assert not pages._active(None)
