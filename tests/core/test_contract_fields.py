"""Issue 18, point 8: telephone numbers and unified social credit codes are checked where they
are typed (libphonenumber, python-stdnum), with full-width digits accepted and the value
stored normalised; a wrong one is a clear Chinese message on its field."""

import pytest

from core.contracts import Contract
from core.errors import ActionInvalid
from core.identifiers import CreditCode, Phone


class Contact(Contract):
    phone: str = Phone("联系电话")
    credit_code: str = CreditCode("统一社会信用代码")


def parsed(**values):
    return Contact.parse(values)


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("13800000000", "13800000000"),
        ("+86 138 0000 0000", "13800000000"),
        ("１３８００００００００", "13800000000"),  # full-width digits
        ("023-63800000", "023-63800000"),
        ("02363800000", "023-63800000"),
        ("023-63800000-123", "023-63800000-123"),
        ("", ""),
    ],
)
def test_phone_numbers_are_normalised(typed, stored):
    assert parsed(phone=typed).phone == stored


@pytest.mark.parametrize("typed", ["12345", "1380000000", "023-638", "电话", "23800000000"])
def test_a_wrong_phone_number_names_the_field(typed):
    with pytest.raises(ActionInvalid) as exc:
        parsed(phone=typed)
    assert "不是有效的电话号码" in exc.value.errors["phone"]


def test_credit_codes_are_checked_and_normalised(valid_uscc):
    assert parsed(credit_code=valid_uscc.lower()).credit_code == valid_uscc
    wrong = valid_uscc[:-1] + ("0" if valid_uscc[-1] != "0" else "1")
    with pytest.raises(ActionInvalid) as exc:
        parsed(credit_code=wrong)
    assert "GB 32100-2015" in exc.value.errors["credit_code"]


@pytest.fixture
def valid_uscc():
    from stdnum.cn import uscc

    body = "91500000MA5U7B5D4"
    return body + uscc.calc_check_digit(body)
