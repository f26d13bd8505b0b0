"""Frozen figures read in the reader's language: a BEN01 assessed in Chinese shows ages and
flexible-retirement kinds in English words, with ASCII punctuation, when the page is read in
English (and the other way round)."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.benefits import builders as b

FULL_WIDTH = re.compile("[（）：；，、。]")


@pytest.fixture
def ben01_case(teller, window, reviewer):
    employer = b.employer()
    person = b.retiree(employer_obj=employer, birth=b.years_ago(60, 2), name="提前")
    b.completed(
        teller=teller,
        window=window,
        reviewer=reviewer,
        code="BEN02",
        data={
            "id_number": person.id_number,
            "kind": "early",
            "requested_date": timezone.localdate().isoformat(),
        },
    )
    return b.ready(
        teller=teller,
        window=window,
        code="BEN01",
        data={"employer_uscc": employer.uscc, "retiree_ids": person.id_number},
    )


def main_of(response) -> str:
    return response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]


def test_ages_and_kinds_follow_the_language_chosen(client, teller, ben01_case):
    client.force_login(teller)
    url = reverse("case-detail", args=[ben01_case.pk])
    chinese = main_of(client.get(url))
    assert "60 岁 2 个月（弹性提前退休）" in chinese

    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = main_of(client.get(url))
    assert "60 years 2 months (Flexible early retirement)" in english
    assert "岁" not in english
    # only the applicant's and the people's own names may be Chinese; punctuation is ASCII
    assert FULL_WIDTH.findall(english) == []


def test_english_counts_are_singular_and_plural():
    from django.utils import translation

    from counterhall.months import age_text, span_text

    with translation.override("en"):
        assert age_text(60, 1) == "60 years 1 month"
        assert span_text(13) == "1 year 1 month"
        assert span_text(0) == "0 months"
    with translation.override("zh-hans"):
        assert age_text(60, 5) == "60 岁 5 个月"
        assert span_text(26) == "2 年 2 个月"


def test_the_type_list_says_ben01_is_immediate_for_small_batches(client, teller, window):
    client.force_login(teller)
    url = reverse("case-open") + "?q=BEN01"
    chinese = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "5 人及以下即时办结；超过 5 人限时办结 10 个工作日" in chinese
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "Immediate for 5 persons or fewer; above 5, within 10 working days" in english
