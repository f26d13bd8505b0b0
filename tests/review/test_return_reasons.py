"""The return-reason checklist is seeded per catalogue code and editable as data."""

from counterhall.models import BusinessType
from review.models import ReturnReason


def test_migration_seeds_common_and_catalogue_reasons(db):
    assert ReturnReason.objects.filter(business_type=None).count() >= 5
    for code in ("REG01", "CON01", "BEN01", "TRF01", "SPC01"):
        assert ReturnReason.objects.filter(business_type__code=code).exists(), code


def test_for_type_offers_common_reasons_first_then_the_types_own(db):
    ben01 = BusinessType.objects.get(code="BEN01")
    ReturnReason.objects.filter(business_type=ben01, code="age").update(active=False)

    reasons = list(ReturnReason.objects.for_type(ben01))

    common = [r for r in reasons if r.business_type_id is None]
    own = [r for r in reasons if r.business_type_id == ben01.pk]
    assert reasons == common + own
    assert own and all(r.code != "age" for r in own)
    assert not [r for r in reasons if r.business_type_id not in (None, ben01.pk)]
