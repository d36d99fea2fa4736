"""Normalisation and anonymous keys."""

from __future__ import annotations

import hashlib
import re

import pytest

from .common import anon_key, normalise_email
from .identity import normalise_crm_phone, normalise_endpoint_phone
from .seeds import load_seeds

SEEDS = load_seeds()


@pytest.mark.parametrize(
    ("phone", "country", "e164"),
    [
        ("06 12 34 56 78", "FR", "+33612345678"),  # national: drop trunk 0, prefix +33
        ("+33 6 12 34 56 78", "FR", "+33612345678"),
        ("0033 6 12 34 56 78", "DE", "+33612345678"),  # 00 is international already
        ("(415) 555-0100", "US", "+14155550100"),
        ("+1-415-555-0100", "US", "+14155550100"),
        ("1 415 555 0100", "US", "+14155550100"),  # 11 digits starting with 1 carry the +1
        ("555-0100", "US", None),  # not 10 digits
        ("612 34 56 78", "ES", "+34612345678"),  # no trunk prefix in Spain
        ("020 7946 0000", "GB", "+442079460000"),
        ("06 12 34 56 78", "XX", None),  # unknown country
        ("06 12 34 56 78", None, None),
        ("", "FR", None),
        (None, "FR", None),
    ],
)
def test_crm_phones(phone: str | None, country: str | None, e164: str | None) -> None:
    assert normalise_crm_phone(phone, country, SEEDS) == e164


def test_endpoint_phones() -> None:
    assert normalise_endpoint_phone("+33612345678") == "+33612345678"
    assert normalise_endpoint_phone("+33 6 12 34 56 78") == "+33612345678"
    assert normalise_endpoint_phone("0033612345678") == "+33612345678"


def test_emails() -> None:
    assert normalise_email("  Alice@Example.COM ") == "alice@example.com"
    assert normalise_email("   ") is None


def test_anonymous_keys() -> None:
    key = anon_key("device", "dev-1")
    assert re.fullmatch(r"anon-[0-9a-f]{20}", key)
    assert key == "anon-" + hashlib.sha256(b"device:dev-1").hexdigest()[:20]
    assert anon_key("user", "dev-1") != key
