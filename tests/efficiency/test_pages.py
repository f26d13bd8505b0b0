"""The dashboard over the scenario's November (tests/metrics/scenario.py: 5 cases, 5 visits,
one overdue case, one no-show, ratings and a rectification), its drill-downs and who may
open it."""

import re
from html import unescape

import pytest

from counterhall.models import Visit
from tests.efficiency.conftest import NOV


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to("2026-12-05 10:00:00+08:00", tick=False)


def figure_row(html: str, key: str) -> str:
    match = re.search(rf'<tr data-figure="{re.escape(key)}">(.*?)</tr>', html, re.S)
    assert match, key
    return match.group(1)


def cells(row: str) -> list[str]:
    return [
        unescape(re.sub(r"<[^>]+>", "", c)).strip()
        for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    ]


def drill(row: str) -> str:
    return unescape(re.search(r'href="([^"]+)"', row).group(1))


def test_the_headline_figures_come_with_the_period_before_and_the_change(leader_client, scene):
    html = leader_client.get(f"/efficiency/?{NOV}").content.decode()
    assert cells(figure_row(html, "cases_taken_in")) == ["5", "0", "+5"]
    assert cells(figure_row(html, "overdue_now")) == ["1", "1", "±0"]
    assert cells(figure_row(html, "completed_during_visit_rate"))[0] == "50.0%"
    assert cells(figure_row(html, "wait.median"))[0] == "10.0"
    assert cells(figure_row(html, "satisfied_share"))[0] == "66.7%"
    assert "2026-11-01 – 2026-11-30" in html and "2026-10-01 – 2026-10-31" in html


def test_last_month_is_the_default_and_last_year_a_choice(leader_client, scene):
    html = leader_client.get("/efficiency/").content.decode()
    assert "2026-11-01 – 2026-11-30" in html and "2026-10-01 – 2026-10-31" in html
    html = leader_client.get(f"/efficiency/?{NOV}&compare=last_year").content.decode()
    assert "2025-11-01 – 2025-11-30" in html
    html = leader_client.get("/efficiency/?period=last_7").content.decode()
    assert "2026-11-29 – 2026-12-05" in html and "2026-11-22 – 2026-11-28" in html


def test_the_overdue_count_drills_to_the_overdue_cases(leader_client, scene):
    html = leader_client.get(f"/efficiency/?{NOV}").content.decode()
    url = drill(figure_row(html, "overdue_now"))
    assert url.startswith("/cases/?") and "overdue=1" in url
    listing = leader_client.get(url).content.decode()
    overdue, *others = scene.cases[2:3] + scene.cases[:2] + scene.cases[3:]
    assert overdue.number in listing
    for case in others:
        assert case.number not in listing


def test_the_completed_count_drills_to_the_cases_completed_in_the_period(leader_client, scene):
    html = leader_client.get(f"/efficiency/?{NOV}").content.decode()
    listing = leader_client.get(drill(figure_row(html, "cases_completed"))).content.decode()
    c1, c2, c3, c4, c5 = scene.cases
    assert c1.number in listing and c2.number in listing
    assert not any(c.number in listing for c in (c3, c4, c5))
    listing = leader_client.get(drill(figure_row(html, "cases_taken_in"))).content.decode()
    assert all(c.number in listing for c in scene.cases)


def test_the_no_show_count_drills_to_the_visits(leader_client, scene):
    html = leader_client.get(f"/efficiency/?{NOV}").content.decode()
    listing = leader_client.get(drill(figure_row(html, "no_shows"))).content.decode()
    tickets = re.findall(r"<td>([AT]\d{3})</td>", listing)
    no_show = Visit.objects.get(status="no_show")
    assert tickets == [no_show.ticket]


def test_the_tables_drill_per_business_type_window_and_teller(leader_client, scene, types):
    html = leader_client.get(f"/efficiency/?{NOV}").content.decode()
    table = re.search(r'id="table-business_type"(.*?)</section>', html, re.S).group(1)
    link = re.search(rf'href="([^"]*business_type={types[1].pk}[^"]*)"', table)
    assert link, table
    listing = leader_client.get(unescape(link.group(1))).content.decode()
    c1, c2, c3 = scene.cases[:3]
    assert c2.number in listing and c3.number in listing and c1.number not in listing
    assert "/efficiency/visits/" not in table  # a visit is of no one type: no visit list
    for dimension in ("window", "teller"):
        assert f'id="table-{dimension}"' in html
    by_window = re.search(r'id="table-window"(.*?)</section>', html, re.S).group(1)
    assert "/efficiency/visits/?" in by_window and "window=" in by_window


def test_charts_are_inline_svg_each_with_its_table(leader_client, scene):
    html = leader_client.get(f"/efficiency/?{NOV}").content.decode()
    charts = re.findall(r'<figure class="chart-box".*?</figure>', html, re.S)
    assert len(charts) == 3
    for chart in charts:
        assert "<svg" in chart and "<details" in chart and "<table" in chart
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in html
    ratings = re.search(r'id="chart-ratings".*?</figure>', html, re.S).group(0)
    assert "非常满意" in ratings and "不满意" in ratings


def test_staff_load_and_rectifications_are_shown(leader_client, scene):
    html = leader_client.get(f"/efficiency/?{NOV}").content.decode()
    load = re.search(r'id="staff-load"(.*?)</section>', html, re.S).group(1)
    assert "38" in load and "22" in load  # service minutes of t1 and t2
    assert 'data-figure="rectifications_overdue">1<' in html


@pytest.mark.parametrize(
    "url",
    [
        "/efficiency/",
        "/efficiency/before-after/",
        "/efficiency/before-after/export.csv",
        "/efficiency/visits/",
    ],
)
def test_tellers_and_reviewers_are_refused(client, teller, reviewer, url):
    for user in (teller, reviewer):
        client.force_login(user)
        assert client.get(url).status_code == 403


def test_the_hall_admin_reaches_it_from_home_and_the_nav(client, hall):
    from tests import factories

    admin = factories.UserFactory(username="ha", roles=["hall_admin"], hall=hall)
    client.force_login(admin)
    home = client.get("/").content.decode()
    assert 'id="efficiency-panel"' in home and 'id="nav-efficiency"' in home
    assert client.get("/efficiency/").status_code == 200


def test_a_custom_period_needs_both_dates(leader_client, scene):
    html = leader_client.get("/efficiency/?period=custom&start=2026-11-01").content.decode()
    assert "自定义期间请填写起止日期" in html
    assert "2026-11-01 – 2026-11-30" in html  # falls back to last month


def test_the_dashboard_is_in_english_for_the_english_choice(leader_client, scene):
    leader_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = leader_client.get(f"/efficiency/?{NOV}").content.decode()
    assert "Service efficiency" in html and "Cases taken in" in html


def test_the_case_list_filters_the_drill_down_uses(leader_client, scene):
    c1, c2, c3, c4, c5 = scene.cases
    listing = leader_client.get("/cases/?ended_from=2026-11-03&ended_to=2026-11-03").content
    shown = {c.number for c in scene.cases if c.number.encode() in listing}
    assert shown == {c2.number, c4.number, c5.number}  # completed, withdrawn, rejected on 3 Nov
    listing = leader_client.get("/cases/?returned=1").content
    assert {c.number for c in scene.cases if c.number.encode() in listing} == {c2.number}
    del c1, c3


@pytest.fixture
def province_client(client, scene):
    from tests import factories

    factories.HallFactory(code="YJ", name="延吉大厅")
    root = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    return client


def section(html: str, section_id: str) -> str | None:
    found = re.search(rf'id="{section_id}"(.*?)</section>', html, re.S)
    return found.group(1) if found else None


def test_a_province_reader_gets_a_table_per_hall(province_client):
    html = province_client.get(f"/efficiency/?{NOV}").content.decode()
    table = section(html, "table-hall")
    assert "测试大厅" in table  # the halls with figures in the period (none yet in 延吉)
    assert cells(figure_row(html, "cases_taken_in"))[0] == "5"
    assert section(html, "table-business_type") is not None
    # a province's windows and tellers are each hall's own: read by picking the hall
    assert section(html, "table-window") is None and section(html, "table-teller") is None
    assert "在上方选择大厅" in section(html, "staff-load")
    assert "2 个大厅" in html
    # the hall's row leads to that hall's dashboard, for the same period
    link = drill(re.search(r"<tr><th scope=\"row\">(.*?)</th>", table, re.S).group(1))
    assert link == f"?{NOV}&hall=TS"


def test_a_province_reader_picks_one_hall(province_client, scene):
    html = province_client.get(f"/efficiency/?{NOV}&hall=TS").content.decode()
    assert "服务效能 · 测试大厅" in html
    assert section(html, "table-hall") is None
    for part in ("table-business_type", "table-window", "table-teller"):
        assert section(html, part) is not None, part
    assert "<caption>柜员</caption>" in section(html, "staff-load")
    windows = section(html, "table-window")  # a general window by its number alone
    assert "1 号窗口</th>" in windows and "综合柜员窗口" not in windows
    assert cells(figure_row(html, "cases_taken_in"))[0] == "5"
    assert 'value="TS" selected' in html
    # the before/after table, its exports and the way back keep the hall
    assert f"/efficiency/before-after/?{NOV}&hall=TS" in unescape(html)

    # the lists behind the figures are the picked hall's
    url = drill(figure_row(html, "cases_taken_in"))
    assert "hall=TS" in url
    listing = province_client.get(url).content.decode()
    assert all(c.number in listing for c in scene.cases)
    assert "hall=TS" in drill(figure_row(html, "visits_served"))

    html = province_client.get(f"/efficiency/?{NOV}&hall=YJ").content.decode()
    assert "服务效能 · 延吉大厅" in html
    assert cells(figure_row(html, "cases_taken_in"))[0] == "0"
    listing = province_client.get(f"/cases/?{NOV}&hall=YJ".replace("period=custom&", ""))
    assert not any(c.number in listing.content.decode() for c in scene.cases)
    visits = province_client.get("/efficiency/visits/?from=2026-11-01&to=2026-11-30&hall=YJ")
    assert not any(v.ticket in visits.content.decode() for v in Visit.objects.all())
    visits = province_client.get("/efficiency/visits/?from=2026-11-01&to=2026-11-30&hall=TS")
    assert all(v.ticket in visits.content.decode() for v in Visit.objects.all())
    page = province_client.get(f"/efficiency/before-after/?{NOV}&hall=YJ").content.decode()
    assert f"/efficiency/before-after/export.csv?{NOV}&hall=YJ" in unescape(page)
    assert '<p class="doc-hall">延吉大厅</p>' in page
    both = province_client.get(f"/efficiency/before-after/export.csv?{NOV}")
    one = province_client.get(f"/efficiency/before-after/export.csv?{NOV}&hall=YJ")
    assert b"".join(both.streaming_content) != b"".join(one.streaming_content)


def test_the_province_sheet_names_its_halls_or_their_number(province_client):
    from tests import factories

    page = province_client.get(f"/efficiency/before-after/?{NOV}").content.decode()
    assert '<p class="doc-hall">测试大厅、延吉大厅</p>' in page
    for code in ("P1", "P2"):
        factories.HallFactory(code=code)
    page = province_client.get(f"/efficiency/before-after/?{NOV}").content.decode()
    assert '<p class="doc-hall">4 个大厅</p>' in page  # not a line of sixty names


def test_an_unknown_hall_is_said_not_silently_ignored(province_client):
    html = province_client.get(f"/efficiency/?{NOV}&hall=XX").content.decode()
    assert 'class="error" role="alert"' in html


def test_a_leader_has_no_hall_choice(leader_client, scene):
    html = leader_client.get(f"/efficiency/?{NOV}&hall=YJ").content.decode()
    assert 'name="hall"' not in html
    assert "服务效能 · 测试大厅" in html
    listing = leader_client.get("/cases/?hall=YJ").content.decode()
    assert 'name="hall"' not in listing
    assert all(c.number in listing for c in scene.cases)  # the parameter means nothing here


@pytest.mark.parametrize("reader", ["leader", "auditor", "province", "province, one hall"])
def test_every_link_on_the_dashboard_opens_for_its_reader(
    request, client, scene, leader, auditor, reader
):
    """No figure leads to a page its reader is refused at: the 差评整改 counts link only
    for a hall admin or leader (an auditor or the province reads them unlinked)."""
    from tests import factories

    url = f"/efficiency/?{NOV}"
    if reader.startswith("province"):
        factories.HallFactory(code="YJ", name="延吉大厅")
        client.force_login(factories.UserFactory(username="root", is_superuser=True))
        if reader.endswith("one hall"):
            url += "&hall=TS"
    else:
        client.force_login(leader if reader == "leader" else auditor)
    html = client.get(url).content.decode()
    main = html[html.index("<main") :]
    links = {unescape(h) for h in re.findall(r'href="([^"#]+)"', main)}
    assert links
    for link in sorted(links):
        target = link if link.startswith("/") else "/efficiency/" + link
        response = client.get(target)
        assert response.status_code == 200, (reader, link, response.status_code)
    assert ("/rectifications/" in " ".join(links)) == (reader == "leader")
