"""The fast scan behind audit.verify(): the same digests as the reference serialisation
(audit._content_digest, what record() digests), whatever the content."""

import datetime as dt
import hashlib
import hmac
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from counterhall import audit, auditscan
from counterhall.models import AuditEntry

texts = st.text(max_size=30)  # every code point, control characters and quotes included
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=12,
)
moments = st.datetimes(
    min_value=dt.datetime(2000, 1, 1),  # noqa: DTZ001 (hypothesis: naive bounds)
    max_value=dt.datetime(2100, 1, 1),  # noqa: DTZ001
    timezones=st.just(dt.UTC),
)


@settings(max_examples=300, deadline=None)
@given(
    at=moments,
    actor=st.none() | st.integers(min_value=1, max_value=2**62),
    hall=st.none() | st.integers(min_value=1, max_value=2**62),
    strings=st.lists(texts, min_size=6, max_size=6),
    before=st.none() | json_values,
    after=st.none() | json_values,
    key=st.none() | st.binary(min_size=1, max_size=100),
    sort_stored=st.booleans(),
    trim=st.booleans(),
)
def test_the_scan_digests_exactly_as_record_does(
    at, actor, hall, strings, before, after, key, sort_stored, trim
):
    actor_name, action, ttype, tid, tlabel, note = strings
    # what record() stores and digests: the values round-tripped through JSON
    before, after = audit._normalise(before), audit._normalise(after)
    reference = audit._content_digest(
        [at, actor, actor_name, hall, action, ttype, tid, tlabel, before, after, note], key
    )

    # what the scan reads: at as the UTC time's text (PostgreSQL drops the fraction's
    # trailing zeros, SQLite a zero fraction), the JSON as stored (keys in any order)
    def stored(value):
        return None if value is None else json.dumps(value, sort_keys=sort_stored)

    at_text = at.replace(tzinfo=None).isoformat(" ", "microseconds")
    if trim:
        at_text = at_text.rstrip("0").rstrip(".")
    text = auditscan.canonical_content(
        at_text,
        actor,
        actor_name,
        hall,
        action,
        ttype,
        tid,
        tlabel,
        stored(before),
        stored(after),
        note,
    )
    assert auditscan.hasher(key)(text.encode()) == reference


@pytest.mark.parametrize("key", [None, b"k", b"x" * 64, b"y" * 65])
def test_the_scan_hashes_are_sha256_and_hmac(key):
    data = "链 1:2:3".encode()
    expected = (
        hashlib.sha256(data).hexdigest()
        if key is None
        else hmac.new(key, data, hashlib.sha256).hexdigest()
    )
    assert auditscan.hasher(key)(data) == expected


def test_repeated_json_is_canonicalised_once_and_stays_exact(monkeypatch):
    # an empty memo: earlier verifies in this process may have filled it to its cap
    monkeypatch.setattr(auditscan, "_json_seen", {})
    text = '{"state": "submitted", "a": [1.5, null, "审"]}'
    assert auditscan.canonical_json(text) == '{"a": [1.5, null, "审"], "state": "submitted"}'
    assert auditscan._json_seen[text] == auditscan.canonical_json(text)
    assert auditscan.canonical_json(None) == "null"
    with pytest.raises(json.JSONDecodeError):
        auditscan.canonical_json('{"a": 1} trailing')


def test_an_entry_on_a_whole_second_verifies(teller):
    """The stored time without microseconds (SQLite writes none) is read canonically."""
    entry = audit._entry(actor=teller, action="auth.login", note="整秒")
    entry.at = entry.at.replace(microsecond=0)
    entry.digest = audit.entry_digest(entry)
    entry.save(force_insert=True)
    audit.seal(settle_seconds=-60)
    assert AuditEntry.objects.get(pk=entry.pk).at.microsecond == 0
    assert audit.verify().ok
