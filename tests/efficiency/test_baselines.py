"""The old dedicated-officer baselines in the catalogue: seeded from the case study only where
it gives figures, editable in the admin (audited), the trips a min/max range."""

import pytest
from django.core.exceptions import ValidationError

from counterhall.models import AuditEntry, BusinessType
from tests import factories


@pytest.mark.django_db
def test_employer_enrollment_carries_the_case_study_baseline():
    reg01 = BusinessType.objects.get(code="REG01")
    assert (reg01.baseline_steps, reg01.baseline_trips_min, reg01.baseline_trips_max) == (7, 5, 6)
    assert (reg01.baseline_floors, reg01.baseline_minutes) == (2, 30)
    assert "单位新参保" in reg01.baseline_source and "近30分钟" in reg01.baseline_source


@pytest.mark.django_db
def test_types_without_a_source_stay_blank_never_invented():
    reg04 = BusinessType.objects.get(code="REG04")
    assert (reg04.baseline_steps, reg04.baseline_trips_min) == (6, 5)
    assert reg04.baseline_floors is None and reg04.baseline_minutes is None
    others = BusinessType.objects.exclude(code__in=["REG01", "REG04"])
    assert others.exists()
    for bt in others:
        assert bt.baseline_steps is None and bt.baseline_trips_min is None, bt.code
        assert bt.baseline_minutes is None and bt.baseline_source == "", bt.code


@pytest.mark.django_db
def test_a_trip_range_cannot_run_backwards():
    reg02 = BusinessType.objects.get(code="REG02")
    reg02.baseline_trips_min, reg02.baseline_trips_max = 6, 5
    with pytest.raises(ValidationError) as error:
        reg02.full_clean()
    assert "baseline_trips_max" in error.value.message_dict


@pytest.mark.django_db
def test_the_hall_admin_edits_a_baseline_in_the_admin_and_it_is_audited(client, hall):
    admin_user = factories.UserFactory(
        username="ha", roles=["hall_admin"], hall=hall, is_staff=True, is_superuser=True
    )
    client.force_login(admin_user)
    reg02 = BusinessType.objects.get(code="REG02")
    url = f"/admin/counterhall/businesstype/{reg02.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    for field in ("baseline_trips_min", "baseline_trips_max", "baseline_source"):
        assert field in form.fields
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        baseline_steps=4,
        baseline_trips_min=3,
        baseline_trips_max=4,
        baseline_source="本局2019年经办规程",
        signoff_roles=[],
    )
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data[f"{formset.prefix}-TOTAL_FORMS"] = str(formset.total_form_count())
        data[f"{formset.prefix}-INITIAL_FORMS"] = str(formset.initial_form_count())
        for i, row in enumerate(formset.forms):
            data[f"{formset.prefix}-{i}-id"] = row.instance.pk
            for name, value in row.initial.items():
                if value is not None:
                    data[f"{formset.prefix}-{i}-{name}"] = value
    response = client.post(url, data)
    assert response.status_code == 302, [
        i.formset.errors for i in response.context["inline_admin_formsets"]
    ]
    reg02.refresh_from_db()
    assert (reg02.baseline_steps, reg02.baseline_trips_min, reg02.baseline_trips_max) == (4, 3, 4)
    entry = AuditEntry.objects.get(action="admin.change", target_id=str(reg02.pk))
    assert entry.before["baseline_steps"] is None and entry.after["baseline_steps"] == 4
    assert entry.after["baseline_source"] == "本局2019年经办规程"
