"""Tests for validity rules, valid_until and status_on."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from pipeline.domain import ProcedureType as P
from pipeline.domain import ValidityStatus as S
from pipeline.validity import (
    DEFAULT_RULES_PATH,
    add_years,
    load_rules,
    parse_rules,
    period_for,
    status_on,
    valid_until,
)

D = dt.date


def test_rules_file_covers_every_type() -> None:
    rules = load_rules()
    assert set(rules) == set(P)
    assert rules[P.KHAC] is None
    assert period_for(P.KIEM_DINH_CHAT_LUONG, D(2010, 1, 1)).years == 5
    assert period_for(P.CONG_NHAN_CHUAN_QUOC_GIA, D(2012, 1, 1)).years == 5
    for t in (P.XAC_MINH_VAN_BANG, P.CAP_BAN_SAO_VAN_BANG, P.CHINH_SUA_VAN_BANG,
              P.CONG_NHAN_VAN_BANG_NUOC_NGOAI):
        assert period_for(t, D(2010, 1, 1)).years is None
    json.loads(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))


def test_valid_until_from_table_and_text() -> None:
    assert valid_until(P.KIEM_DINH_CHAT_LUONG, D(2010, 7, 5), None) == D(2015, 7, 5)
    assert valid_until(P.CONG_NHAN_CHUAN_QUOC_GIA, D(2011, 8, 15), None) == D(2016, 8, 15)
    # The period printed in the document wins over the table.
    assert valid_until(P.KIEM_DINH_CHAT_LUONG, D(2010, 7, 5), 3) == D(2013, 7, 5)
    assert valid_until(P.XAC_MINH_VAN_BANG, D(2010, 7, 5), None) is None
    assert valid_until(P.KHAC, D(2010, 7, 5), None) is None
    assert valid_until(P.KIEM_DINH_CHAT_LUONG, None, 5) is None


def test_valid_until_29_february() -> None:
    assert add_years(D(2012, 2, 29), 5) == D(2017, 2, 28)
    assert add_years(D(2012, 2, 29), 4) == D(2016, 2, 29)
    assert valid_until(P.KIEM_DINH_CHAT_LUONG, D(2008, 2, 29), None) == D(2013, 2, 28)


def test_status_boundaries() -> None:
    issued = D(2010, 7, 5)
    until = valid_until(P.KIEM_DINH_CHAT_LUONG, issued, None)
    assert status_on(P.KIEM_DINH_CHAT_LUONG, issued, until, D(2015, 7, 5)) is S.VALID
    assert status_on(P.KIEM_DINH_CHAT_LUONG, issued, until, D(2015, 7, 6)) is S.EXPIRED
    assert status_on(P.KIEM_DINH_CHAT_LUONG, issued, until, issued) is S.VALID
    assert status_on(P.KIEM_DINH_CHAT_LUONG, issued, until, D(2010, 7, 4)) is S.UNKNOWN


def test_status_revoked() -> None:
    issued, until = D(2010, 7, 5), D(2015, 7, 5)
    args = (P.CONG_NHAN_CHUAN_QUOC_GIA, issued, until)
    assert status_on(*args, D(2012, 1, 1), revoked_on=D(2012, 1, 1)) is S.REVOKED
    assert status_on(*args, D(2011, 12, 31), revoked_on=D(2012, 1, 1)) is S.VALID
    assert status_on(P.XAC_MINH_VAN_BANG, issued, None, D(2020, 1, 1),
                     revoked_on=D(2019, 1, 1)) is S.REVOKED


def test_status_no_expiry_and_unknown() -> None:
    assert status_on(P.XAC_MINH_VAN_BANG, D(2009, 1, 1), None, D(2030, 1, 1)) is S.VALID
    assert status_on(P.KHAC, D(2009, 1, 1), None, D(2010, 1, 1)) is S.UNKNOWN
    assert status_on(P.CAP_BAN_SAO_VAN_BANG, None, None, D(2010, 1, 1)) is S.UNKNOWN
    # An expiring type with no valid_until given falls back to the table.
    assert status_on(P.KIEM_DINH_CHAT_LUONG, D(2010, 1, 1), None, D(2016, 1, 1)) is S.EXPIRED


def test_rules_by_era() -> None:
    rules = parse_rules({"rules": {"kiem_dinh_chat_luong": [
        {"from": None, "to": "2011-12-31", "years": 4},
        {"from": "2012-01-01", "to": None, "years": 5},
    ]}})
    assert valid_until(P.KIEM_DINH_CHAT_LUONG, D(2011, 12, 31), None, rules) == D(2015, 12, 31)
    assert valid_until(P.KIEM_DINH_CHAT_LUONG, D(2012, 1, 1), None, rules) == D(2017, 1, 1)
    assert rules[P.XAC_MINH_VAN_BANG] is None  # missing from the data: unknown
    assert status_on(P.XAC_MINH_VAN_BANG, D(2012, 1, 1), None, D(2013, 1, 1),
                     rules=rules) is S.UNKNOWN


@pytest.mark.parametrize(
    "bad",
    [
        {"rules": {"nope": []}},
        {"rules": {"khac": [{"from": None, "to": None, "years": -1}]}},
        {"rules": {"khac": [{"from": "2012-01-01", "to": "2011-01-01", "years": 5}]}},
        {"rules": {"khac": [{"from": "2012-13-01", "to": None, "years": 5}]}},
    ],
)
def test_bad_rules_are_rejected(bad: dict) -> None:
    with pytest.raises(ValueError):
        parse_rules(bad)
