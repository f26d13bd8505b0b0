"""factory-boy factories. Cases reach their states through the real services, so fixtures
cannot drift from the rules."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from guardian.shortcuts import assign_perm

from counterhall import services
from counterhall.models import (
    BusinessType,
    Hall,
    RequiredDocument,
    StaffProfile,
    Window,
    WindowKind,
)
from counterhall.permissions import WORK_AT_WINDOW
from review import services as review_services
from tests import casework


class HallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hall
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: "H" + "ABCDEFGHIJ"[n % 10] + "ABCDEFGHIJ"[(n // 10) % 10])
    name = factory.LazyAttribute(lambda o: f"测试大厅 {o.code}")
    region = "222424"


class WindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Window

    hall = factory.SubFactory(HallFactory)
    number = factory.Sequence(lambda n: n + 1)
    kind = WindowKind.GENERAL


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("name", locale="zh_CN")
    password = factory.django.Password("pw-for-tests")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(*[Group.objects.get(name=r) for r in extracted])

    @factory.post_generation
    def hall(self, create, extracted, **kwargs):
        if extracted:
            StaffProfile.objects.update_or_create(user=self, defaults={"hall": extracted})

    @factory.post_generation
    def windows(self, create, extracted, **kwargs):
        for window in extracted or []:
            assign_perm(WORK_AT_WINDOW, self, window)

    @factory.post_generation
    def special_review(self, create, extracted, **kwargs):
        if extracted:
            self.user_permissions.add(Permission.objects.get(codename="review_special_business"))


def business_type(code, *, special=False, limit_days=None, signoff=(), documents=("form", "id")):
    bt, _ = BusinessType.objects.update_or_create(
        code=code,
        defaults={
            "name": f"测试业务 {code}",
            "name_en": f"test {code}",
            "category": "account" if special else "registration",
            "is_special": special,
            "completion_mode": "time_limited" if limit_days else "immediate",
            "limit_days": limit_days,
            "signoff_roles": list(signoff),
        },
    )
    for i, doc in enumerate(documents):
        RequiredDocument.objects.update_or_create(
            business_type=bt,
            code=doc,
            defaults={"name": f"要件 {doc}", "position": i, "deferrable": doc == "contract"},
        )
    return bt


def ready_case(*, teller, window, business_type, amount="100.00"):
    """A draft of a test type with every document received and a saved application."""
    return casework.intake(business_type, {"amount": amount}, teller=teller, window=window)


def submitted_case(**kwargs):
    case = ready_case(**kwargs)
    return services.case_submit(actor=kwargs["teller"], case_id=case.pk, seen_state=None)


def in_review_case(*, reviewer, **kwargs):
    case = submitted_case(**kwargs)
    return review_services.case_claim(actor=reviewer, case_id=case.pk, seen_state=None)


def approved_case(*, reviewer, **kwargs):
    case = in_review_case(reviewer=reviewer, **kwargs)
    return review_services.case_approve(actor=reviewer, case_id=case.pk, seen_state=None)


def empty_queue(reviewer) -> int:
    """Return every case queued for ``reviewer`` to its teller (the demo's queued cases),
    so that the next case submitted is the head of their queue; the number returned."""
    n = 0
    while (case := review_services.case_take_next(actor=reviewer)) is not None:
        review_services.case_return(
            actor=reviewer, case_id=case.pk, seen_state=None, reasons=["示例业务，退回"]
        )
        n += 1
    return n
