"""The electronic case file in the browser: teller1 scans three pages for a REG01 licence
and drops one for the legal representative's ID, submits; reviewer1 opens the pages beside
the form (enlarge, rotate, next), returns the case naming the ID; teller1 adds a better page
with the reason and resubmits; the reviewer approves; auditor1 downloads the case file PDF
and the page digests in it are those of the audit log."""

import base64
import io
import os

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from counterhall import demo
from counterhall.models import AuditEntry, Case, CaseState, DocumentPage
from tests import factories
from tests.casefile import files
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

USCC = "91222424MA0Y12383Q"
SHOTS = os.environ.get("COUNTERHALL_SHOTS")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def logout(page):
    page.click("header form[action$='/logout/'] button")


def payload(upload):
    return {"name": upload.name, "mimeType": upload.content_type, "buffer": upload.read()}


DROP = """([selector, name, type, data]) => {
  const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], name, {type}));
  const form = document.querySelector(selector);
  const init = {dataTransfer: transfer, bubbles: true, cancelable: true};
  form.dispatchEvent(new DragEvent("drop", init));
}"""


def test_pages_travel_with_the_case_to_the_reviewer_and_the_auditor(live_server, new_page):
    users = demo.seed()["users"]
    factories.empty_queue(users["reviewer1"])  # the journey's case is the queue's head
    page = new_page(locale="zh-CN")
    base = live_server.url

    # teller1: open REG01, tick the checklist, scan the pages, fill the form, submit
    login(page, base, "teller1", demo.DEMO_PASSWORD)
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/cases/new/")
    page.fill("#type-q", "REG01")
    page.locator("#type-list label", has_text="REG01").locator("input").check()
    page.fill("#id_applicant_name", "周经办")
    page.fill("#id_subject", USCC)
    page.click("button[name=open]")
    page.wait_for_selector("#case-state")
    for box in page.locator("#documents-form input[type=checkbox]").all():
        box.check()
    page.click("#documents-form button[type=submit]")
    page.wait_for_selector("#pages")
    expect(page.locator("#doc-business_licence [data-pages]")).to_have_text("无扫描页")

    page.set_input_files(
        "#files-business_licence",
        [payload(files.jpeg(f"licence-{n}.jpg", colour=(n * 80, 90, 40))) for n in range(3)],
    )
    page.click("button[data-upload=business_licence]")
    expect(page.locator("#doc-business_licence [data-pages]")).to_have_attribute("data-pages", "3")
    blurred = files.png("id-front.png", size=(320, 200), colour=(210, 210, 210)).read()
    page.evaluate(
        DROP,
        [
            "form.page-drop[data-document=legal_rep_id]",
            "id-front.png",
            "image/png",
            base64.b64encode(blurred).decode(),
        ],
    )
    expect(page.locator("#doc-legal_rep_id [data-pages]")).to_have_attribute("data-pages", "1")
    expect(page.locator("#doc-business_licence img")).to_have_count(3)
    shot(page, "casefile-teller-scanned")

    page.fill("#id_uscc", USCC)
    page.fill("#id_name", "汪清县档案示例有限公司")
    page.fill("#id_legal_representative", "吴法人")
    page.select_option("#id_injury_class", "5")
    page.fill("#id_bank_name", "汪清农商银行")
    page.fill("#id_bank_account", "6222000011118888")
    page.click("#application-form button[type=submit]")
    page.wait_for_selector("#figures")
    page.click("button[data-action=submit]")
    expect(page.locator("#case-state")).to_contain_text("待复核")
    case_url = page.url
    case = Case.objects.get(pk=int(case_url.rstrip("/").rsplit("/", 1)[-1]))
    logout(page)

    # reviewer1: the pages beside the form; enlarge, next, rotate; return naming the ID
    login(page, base, "reviewer1", demo.DEMO_PASSWORD)
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/review/")
    page.click("#take-next")
    page.wait_for_url(case_url.replace("/cases/", "/review/cases/"))
    expect(page.locator("#pages a.page-thumb.image")).to_have_count(4)
    expect(page.locator("#pages input[type=file]")).to_have_count(0)
    expect(page.locator("#payload")).to_contain_text("汪清县档案示例有限公司")
    page.locator("#pages a.page-thumb.image").first.click()
    expect(page.locator("#page-viewer")).to_be_visible()
    expect(page.locator("#page-viewer-caption")).to_contain_text("(1/4)")
    page.click("#page-viewer [data-viewer=next]")
    expect(page.locator("#page-viewer-caption")).to_contain_text("(2/4)")
    page.click("#page-viewer [data-viewer=rotate]")
    expect(page.locator("#page-viewer-image")).to_have_attribute("data-angle", "90")
    shot(page, "casefile-reviewer-viewer")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#page-viewer-caption")).to_contain_text("法定代表人身份证")
    page.click("#page-viewer [data-viewer=close]")
    expect(page.locator("#page-viewer")).to_be_hidden()
    page.check("#return-documents input[value=legal_rep_id]")
    page.fill("#return-form textarea[name=other]", "身份证正面模糊")
    page.click("button[data-action=return]")
    expect(page.locator(".messages")).to_contain_text("已退回")
    logout(page)

    # teller1: the reason names the ID; a better page with the reason; resubmit
    login(page, base, "teller1", demo.DEMO_PASSWORD)
    page.wait_for_url(f"{base}/")
    page.goto(case_url)
    expect(page.locator("#return-reasons")).to_contain_text("法定代表人身份证")
    expect(page.locator("#pages button[data-remove]")).to_have_count(0)  # no removal now
    page.set_input_files(
        "#files-legal_rep_id", [payload(files.png("id-front-2.png", colour=(20, 60, 160)))]
    )
    page.fill("#doc-legal_rep_id input[name=reason]", "身份证重新扫描，更清晰")
    page.click("button[data-upload=legal_rep_id]")
    expect(page.locator("#doc-legal_rep_id [data-pages]")).to_have_attribute("data-pages", "2")
    expect(page.locator("#doc-legal_rep_id .page-reason")).to_contain_text("更清晰")
    page.click("button[data-action=resubmit]")
    expect(page.locator("#case-state")).to_contain_text("待复核")
    logout(page)

    # reviewer1: approve
    login(page, base, "reviewer1", demo.DEMO_PASSWORD)
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/review/")
    page.click("#take-next")
    page.wait_for_url(case_url.replace("/cases/", "/review/cases/"))
    expect(page.locator("#pages a.page-thumb.image")).to_have_count(5)
    page.click("button[data-action=approve]")
    expect(page.locator(".messages")).to_contain_text("已复核通过")
    logout(page)

    # auditor1: the pages read-only and the case file PDF, whose digests are the log's
    login(page, base, "auditor1", demo.DEMO_PASSWORD)
    page.wait_for_url(f"{base}/")
    page.goto(case_url)
    expect(page.locator("#pages a.page-thumb.image")).to_have_count(5)
    expect(page.locator("#pages input[type=file]")).to_have_count(0)
    shot(page, "casefile-auditor")
    with page.expect_download() as download:
        page.click("#casefile-download")
    pdf = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    text = "\n".join(p.extract_text() for p in pdf.pages)
    logged = list(
        AuditEntry.objects.filter(target_id=str(case.pk), action="page.add")
        .order_by("pk")
        .values_list("after", flat=True)
    )
    assert len(logged) == 5
    for entry in logged:
        assert entry["sha256"] in text
    rows = DocumentPage.objects.filter(case=case)
    assert {r.sha256 for r in rows} == {e["sha256"] for e in logged}
    case.refresh_from_db()
    assert case.state == CaseState.APPROVED
    assert AuditEntry.objects.filter(
        target_id=str(case.pk), action="case.casefile", actor=users["auditor1"]
    ).exists()
    viewed = AuditEntry.objects.filter(action="page.view", actor=users["reviewer1"])
    assert {e.after["case"] for e in viewed} == {case.pk}
    assert {e.after["sha256"] for e in viewed} >= {e["sha256"] for e in logged[:4]}
