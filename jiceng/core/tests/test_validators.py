import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from jiceng.core.crypto import mask_id_number, mask_name, mask_phone
from jiceng.core.validators import (
    USCC_CHARS,
    id_check_char,
    uscc_check_char,
    validate_id_number,
    validate_phone,
    validate_uscc,
)


def test_it_accepts_a_published_credit_code():
    # Check character worked by hand from the GB 32100 weights.
    assert uscc_check_char("91350100M000100Y4") == "3"
    assert validate_uscc("91350100m000100y43") == "91350100M000100Y43"


@given(st.text(alphabet=USCC_CHARS, min_size=17, max_size=17))
def test_it_accepts_any_code_with_the_right_check_char(first17):
    assert validate_uscc(first17 + uscc_check_char(first17)) == first17 + uscc_check_char(first17)


@given(st.text(alphabet=USCC_CHARS, min_size=17, max_size=17), st.sampled_from(USCC_CHARS))
def test_it_rejects_a_wrong_check_char(first17, wrong):
    if wrong == uscc_check_char(first17):
        return
    with pytest.raises(ValidationError, match="校验位"):
        validate_uscc(first17 + wrong)


@pytest.mark.parametrize("bad,reason", [("123", "18 位"), ("91110000I00000825X", "非法字符")])
def test_it_explains_bad_credit_codes(bad, reason):
    with pytest.raises(ValidationError, match=reason):
        validate_uscc(bad)


def test_it_validates_id_numbers():
    # The GB 11643 worked example.
    assert validate_id_number("11010519491231002x") == "11010519491231002X"
    with pytest.raises(ValidationError, match="校验位"):
        validate_id_number("110105194912310021")
    with pytest.raises(ValidationError, match="出生日期"):
        validate_id_number("110105194913310021")
    with pytest.raises(ValidationError, match="18 位"):
        validate_id_number("1101051949")


def test_id_check_char_matches_the_standard():
    assert id_check_char("11010519491231002") == "X"
    assert id_check_char("44052418800101001") == "4"


def test_it_masks_personal_data():
    assert mask_name("张三明") == "张*明"
    assert mask_name("欧阳小明") == "欧**明"
    assert mask_name("李四") == "李*"
    assert mask_phone("13912345678") == "139****5678"
    assert mask_id_number("11010519491231002X") == "110105**********2X"


def test_it_validates_phones():
    assert validate_phone("139 1234 5678") == "13912345678"
    with pytest.raises(ValidationError):
        validate_phone("23912345678")


def test_it_reads_full_width_and_other_unicode_digits_as_ascii():
    assert validate_phone("１３９ １２３４－５６７８") == "13912345678"
    assert validate_phone("１39１２３４5678") == "13912345678"  # mixed, as a phone keyboard leaves it
    assert validate_id_number("１１０１０５１９４９１２３１００２ｘ") == "11010519491231002X"
    assert validate_id_number("١١٠١٠٥١٩٤٩١٢٣١٠٠٢X") == "11010519491231002X"  # Arabic-Indic digits
    assert validate_uscc("９１３５０１００Ｍ０００１００Ｙ４３") == "91350100M000100Y43"


@pytest.mark.parametrize("bad", ["1391234567８a", "139 1234 56789", "+86 139 1234 5678"])
def test_it_still_refuses_what_is_not_a_phone_after_normalising(bad):
    with pytest.raises(ValidationError):
        validate_phone(bad)
