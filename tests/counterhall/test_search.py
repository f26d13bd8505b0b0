"""The header search: one box, grouped answers within what the user may read, the exact
match first, numbers masked, every lookup by ID number audited."""

import pytest
from django.urls import reverse

from counterhall.models import AuditEntry, Case
from tests import casework, masterdata


def results(client, q):
    response = client.post(reverse("search"), {"q": q})
    assert response.status_code == 200
    groups = {g.key: g.hits for g in response.context["groups"]}
    return response, groups


@pytest.fixture
def subjects(db):
    return masterdata.employer(), masterdata.person(name="张三")


def test_scanned_case_number_opens_the_case(client, teller, other_teller, window, test_types):
    case = casework.open_case(teller=teller, window=window, business_type=test_types.general)
    client.force_login(other_teller)
    response = client.post(reverse("search"), {"q": case.number})
    assert response["Location"] == reverse("case-detail", args=[case.pk])


def test_id_number_finds_the_person_masked_and_their_cases_and_is_audited(
    client, teller, window, test_types, subjects
):
    _, person = subjects
    case = casework.open_case(teller=teller, window=window, business_type=test_types.general)
    Case.objects.filter(pk=case.pk).update(person=person)
    client.force_login(teller)

    response, groups = results(client, person.id_number)

    body = response.content.decode()
    assert [h.label for h in groups["persons"]] == ["张三"]
    assert person.id_number not in body and person.id_masked in body
    assert [h.label for h in groups["cases"]] == [case.number]
    entry = AuditEntry.objects.get(action="person.lookup")
    assert (entry.actor, entry.target_id, entry.after["via"]) == (teller, str(person.pk), "search")


def test_names_uscc_and_pinyin_initials_find_employers_and_persons(client, teller, subjects):
    employer, _ = subjects
    client.force_login(teller)

    assert [h.label for h in results(client, employer.uscc)[1]["employers"]] == [employer.name]
    assert [h.label for h in results(client, "示例科技")[1]["employers"]] == [employer.name]
    assert [h.label for h in results(client, "zs")[1]["persons"]] == ["张三"]
    assert not AuditEntry.objects.filter(action="person.lookup").exists()


def test_the_exact_match_comes_first(client, teller, subjects):
    masterdata.person(id_number=masterdata.ID_EXTRA, name="张三丰")
    client.force_login(teller)
    hits = results(client, "张三")[1]["persons"]
    assert [h.label for h in hits] == ["张三", "张三丰"] and hits[0].exact


@pytest.mark.parametrize("q", ["张", "x" * 500])
def test_too_short_or_too_long_is_a_clear_message_and_no_search(
    client, teller, subjects, q, django_assert_max_num_queries
):
    client.force_login(teller)
    client.get(reverse("home"))
    with django_assert_max_num_queries(6):
        response = client.post(reverse("search"), {"q": q})
    assert "请输入 2 至 50 个字符" in response.content.decode()
    assert response.context["groups"] == []


def test_general_teller_finds_nothing_of_a_special_case(
    client, other_teller, special_clerk, special_window, test_types, subjects
):
    _, person = subjects
    special = casework.open_case(
        teller=special_clerk, window=special_window, business_type=test_types.special
    )
    Case.objects.filter(pk=special.pk).update(person=person)
    client.force_login(other_teller)

    for q in (special.number, person.id_number, person.name):
        response, groups = results(client, q)
        assert not any(groups.values()), q
        assert "未找到" in response.content.decode()
    assert client.get(reverse("person-detail", args=[person.pk])).status_code == 404
    # the special window's clerk finds all three
    client.force_login(special_clerk)
    assert results(client, person.name)[1]["persons"]


def test_another_regions_people_are_not_found(client, teller, db):
    from registration import services as reg
    from registration.models import RetirementCategory

    reg.person_register(
        actor=None,
        id_number=masterdata.ID_FEMALE,
        name="外地人",
        retirement_category=RetirementCategory.FEMALE_55,
        region="220102",
    )
    client.force_login(teller)
    assert not results(client, "外地人")[1]["persons"]


def test_person_and_employer_pages_show_masked_data_cases_and_history(
    client, teller, window, test_types, subjects
):
    employer, person = subjects
    case = casework.open_case(teller=teller, window=window, business_type=test_types.general)
    Case.objects.filter(pk=case.pk).update(person=person, employer=employer)
    client.force_login(teller)

    body = client.get(reverse("person-detail", args=[person.pk])).content.decode()
    assert person.id_masked in body and person.id_number not in body
    assert case.number in body and 'id="contribution-history"' in body

    body = client.get(reverse("employer-detail", args=[employer.pk])).content.decode()
    assert employer.uscc in body and "6222000011112222" not in body and "2222" in body
    assert case.number in body
