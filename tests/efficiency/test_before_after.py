"""The before/after table: the catalogue's baselines next to the hall's measured figures,
with the difference; CSV (BOM, neutralised cells) and XLSX exports."""

import io
import re
from html import unescape

import pytest
from openpyxl import load_workbook

from counterhall.models import BusinessType
from tests.efficiency.conftest import NOV


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to("2026-12-05 10:00:00+08:00", tick=False)


def row(html: str, code: str) -> list[str]:
    match = re.search(rf'<tr id="row-{code}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, code
    return [
        unescape(re.sub(r"<[^>]+>", "", c)).strip()
        for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", match.group(1), re.S)
    ]


def test_reg01_shows_the_old_path_and_blank_where_no_source(leader_client, scene):
    html = leader_client.get(f"/efficiency/before-after/?{NOV}").content.decode()
    reg01 = row(html, "REG01")
    assert reg01[1:5] == ["7", "5–6", "2", "约 30"]
    assert reg01[5:10] == ["0", "—", "—", "—", "—"]  # no REG01 cases in the scenario
    assert reg01[10:] == ["—", "—", "—"]
    reg04 = row(html, "REG04")
    assert reg04[3:5] == ["—", "—"]  # floors and minutes: the study gives none
    assert "近30分钟" in html  # the source is named


def test_measured_figures_and_the_difference(leader_client, scene, types):
    type_a = types[0]
    BusinessType.objects.filter(pk=type_a.pk).update(
        baseline_steps=7, baseline_trips_min=5, baseline_trips_max=6, baseline_minutes=30
    )
    html = leader_client.get(f"/efficiency/before-after/?{NOV}").content.decode()
    measured = row(html, type_a.code)
    # TST01: C1 completed (3 steps counted from the log, 1 visit); wait 6 + service 19 minutes
    assert measured[5:10] == ["1", "3.0", "1.0", "19.0", "25.0"]
    assert measured[10:] == ["−4.0", "−4.0 ~ −5.0", "−5.0"]


def test_csv_export_is_utf8_with_bom_and_neutralised_cells(leader_client, scene):
    BusinessType.objects.filter(code="REG02").update(
        baseline_steps=3, baseline_source='=HYPERLINK("http://x")'
    )
    response = leader_client.get(f"/efficiency/before-after/export.csv?{NOV}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="before-after-20261101-20261130.csv"' in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("业务代码,业务名称,原模式经办环节")
    assert any(line.startswith("REG01,单位新参保登记,7,5–6,2,30,") for line in lines)
    reg02 = next(line for line in lines if line.startswith("REG02"))
    assert "'=HYPERLINK" in reg02


def test_xlsx_export_opens_with_the_same_rows(leader_client, scene):
    response = leader_client.get(f"/efficiency/before-after/export.xlsx?{NOV}")
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:3] == ("业务代码", "业务名称", "原模式经办环节")
    reg01 = next(r for r in rows if r[0] == "REG01")
    assert reg01[2:6] == ("7", "5–6", "2", "30")


def test_an_unknown_export_format_is_404(leader_client):
    assert leader_client.get("/efficiency/before-after/export.pdf").status_code == 404


def test_the_table_prints_on_a_landscape_a4_page(leader_client, scene):
    html = leader_client.get(f"/efficiency/before-after/?{NOV}").content.decode()
    assert "css/efficiency.css" in html and "data-print" in html
    from pathlib import Path

    from django.contrib.staticfiles import finders

    css = Path(finders.find("counterhall/css/efficiency.css")).read_text(encoding="utf-8")
    assert "@page landscape { size: A4 landscape" in css
    assert ".before-after-sheet { page: landscape; }" in css
