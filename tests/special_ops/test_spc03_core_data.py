"""SPC03 core-data maintenance: before and after, the retirement month re-derived, what the
change affects, the history kept, and the refusals."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from counterhall import services
from counterhall.models import AuditEntry, CaseState
from registration import selectors as people
from tests import casework
from tests.benefits import builders as b

D = dt.date
NEW_ID = "222424196504151236"  # the same man, born 1965-04-15 (not 1965-03-15)


@pytest.fixture
def person(db):
    """Born 1965-03-15 by his ID card (male, original age 60)."""
    return b.person(birth=D(1965, 3, 15), name="张三", id_number="222424196503151234")


def data(person, **changes):
    return {"id_number": person.id_number, **changes}


def intake(clerk, window, payload):
    return casework.intake("SPC03", payload, teller=clerk, window=window)


def rows(figures):
    return {r["field"]: (r["before"], r["after"], r["changed"]) for r in figures["rows"]}


def test_file_birth_date_governs_and_retirement_month_rederived(
    special_clerk, special_window, person
):
    """rules.md §1.8: a man born 1965-03 retires at 60 y 1 m in 2025-04; born 1965-05 (the
    file's earliest record), at 60 y 2 m in 2025-07."""
    f = intake(special_clerk, special_window, data(person, file_birth_date="1965-05-20")).figures
    assert rows(f)["birth_date"] == ("1965-03-15", "1965-05-20", True)
    assert rows(f)["sex"][2] is False
    assert f["retirement_before"]["month"] == "2025-04"
    assert f["retirement_after"]["month"] == "2025-07"
    assert f["retirement_after"]["age"] == {"years": 60, "months": 2}


def test_completion_applies_and_keeps_the_old_values_in_history(
    special_clerk, special_window, reviewer, leader, person
):
    case = casework.complete(
        "SPC03",
        data(person, new_name="张叁", new_id_number=NEW_ID, new_deemed_months="120"),
        teller=special_clerk,
        window=special_window,
        reviewer=reviewer,
        signers=[leader],
    )
    assert case.state == CaseState.COMPLETED
    person.refresh_from_db()
    assert (person.name, person.id_number, person.birth_date, person.deemed_months) == (
        "张叁",
        NEW_ID,
        D(1965, 4, 15),
        120,
    )
    (entry,) = people.person_history(person)
    assert entry["before"]["name"] == "张三"
    assert entry["before"]["id_number"] == "222424196503151234"
    assert entry["after"]["birth_date"] == "1965-04-15"
    assert AuditEntry.objects.filter(action="person.correct", note=case.number).count() == 1


def test_open_cases_and_payments_listed(special_clerk, special_window, teller, window, person):
    other = casework.open_case("BEN02", teller=teller, window=window, person=person)
    f = intake(special_clerk, special_window, data(person, new_name="张叁")).figures
    assert [c["number"] for c in f["open_cases"]] == [other.number]


def test_new_id_held_by_another_person_refused(special_clerk, special_window, person):
    other = b.person(birth=D(1978, 1, 1), male=False, name="李四", id_number="222401197801010042")
    e = casework.application_errors(
        "SPC03",
        data(person, new_id_number=other.id_number),
        teller=special_clerk,
        window=special_window,
    )
    assert e["new_id_number"] == ["此身份证号码已由其他参保人员（李四）使用。"]


def test_bad_check_digit_refused_at_the_field(special_clerk, special_window, person):
    e = casework.application_errors(
        "SPC03",
        data(person, new_id_number="222424196503151235"),
        teller=special_clerk,
        window=special_window,
    )
    assert list(e) == ["new_id_number"]


def test_nothing_to_correct_refused(special_clerk, special_window, person):
    e = casework.application_errors(
        "SPC03", data(person, new_name="张三"), teller=special_clerk, window=special_window
    )
    assert e["__all__"] == ["请至少填写一项与现有信息不同的更正内容。"]


def test_data_changed_since_assessment_refuses_completion(
    special_clerk, special_window, reviewer, leader, person
):
    case = intake(special_clerk, special_window, data(person, new_name="张叁"))
    casework.approve(case, teller=special_clerk, reviewer=reviewer, signers=[leader])
    b.registration.person_correct(actor=None, person_id=person.pk, changes={"deemed_months": 12})
    with pytest.raises(ValidationError) as exc:
        services.case_complete(actor=special_clerk, case_id=case.pk, seen_state=None)
    assert "已被更改" in exc.value.messages[0]
    person.refresh_from_db()
    assert person.name == "张三"


def test_case_page_shows_before_and_after(client, special_clerk, special_window, person):
    case = intake(special_clerk, special_window, data(person, file_birth_date="1965-05-20"))
    client.force_login(special_clerk)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    table = page[page.index('id="before-after"') :]
    assert "1965-03-15" in table
    assert "2025-07" in table
