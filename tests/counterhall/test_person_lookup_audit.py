"""Every lookup of a person by ID number is recorded: who looked up whom."""

import datetime as dt

from django.urls import reverse

from counterhall.models import AuditEntry
from tests.benefits import builders as b
from tests.masterdata import ID_EXTRA


def test_intake_lookup_of_a_person_is_audited(client, teller, window):
    person = b.person(birth=dt.date(1970, 3, 15), name="李查询")
    client.force_login(teller)

    response = client.post(reverse("case-open-subject"), {"subject": person.id_number})

    assert response.status_code == 200 and "李查询" in response.content.decode()
    entry = AuditEntry.objects.get(action="person.lookup")
    assert entry.actor == teller
    assert entry.target_type == "registration.insuredperson"
    assert entry.target_id == str(person.pk)
    assert entry.hall_id == teller.staff.hall_id


def test_lookup_of_an_unregistered_id_is_audited_with_the_masked_number(client, teller):
    client.force_login(teller)
    client.post(reverse("case-open-subject"), {"subject": ID_EXTRA})
    entry = AuditEntry.objects.get(action="person.lookup")
    assert entry.after["found"] is False
    assert ID_EXTRA not in str(entry.after) and entry.after["id"].endswith(ID_EXTRA[-4:])


def test_employer_lookup_is_not_a_person_lookup(client, teller):
    employer = b.employer()
    client.force_login(teller)
    client.post(reverse("case-open-subject"), {"subject": employer.uscc})
    assert not AuditEntry.objects.filter(action="person.lookup").exists()


def test_staff_who_take_in_no_cases_cannot_look_people_up(client, auditor, leader):
    person = b.person(birth=dt.date(1970, 3, 15), name="李查询")
    for user in (auditor, leader):
        client.force_login(user)
        response = client.post(reverse("case-open-subject"), {"subject": person.id_number})
        assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="person.lookup").exists()
