"""Mainland mobile numbers, resident ID numbers (GB 11643) and how both are masked."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from closeloop.customers.rules import id_check_digit, id_number_problem, msisdn_problem
from closeloop.kit.masking import mask_id_number, mask_msisdn

# Published sample numbers whose check characters are known.
VALID_IDS = [
    "11010519491231002X",  # the GB 11643 example: check character X
    "110101199003074258",
    "440524188001010014",
    "43010219850228001X",
]


# --- mobile numbers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "msisdn",
    ["13812345678", "13000000000", "14700000001", "15912345678", "16612345678", "19999999999"],
)
def test_mainland_mobile_numbers_are_accepted(msisdn: str) -> None:
    assert msisdn_problem(msisdn) is None


@pytest.mark.parametrize(
    ("msisdn", "reason"),
    [
        ("1381234567a", "digits"),
        ("138-1234-5678", "digits"),
        ("+8613812345678", "digits"),
        ("138 1234 5678", "digits"),
        ("", "digits"),
        ("1381234567", "11 digits"),
        ("138123456789", "11 digits"),
        ("8613812345678", "11 digits"),
        ("12012345678", "13"),
        ("10012345678", "13"),
        ("11012345678", "13"),
        ("23812345678", "13"),
        ("03812345678", "13"),
    ],
)
def test_non_mobile_numbers_are_rejected_with_a_reason(msisdn: str, reason: str) -> None:
    problem = msisdn_problem(msisdn)
    assert problem is not None
    assert reason in problem


@pytest.mark.parametrize(
    "msisdn",
    [
        "１３８１２３４５６７８",  # full-width digits, as typed with a Chinese IME
        "138１２３４５６７８",
        "13812345６78",
        "138١٢٣٤٥٦٧٨",  # Arabic-Indic digits
        "1381234567²",
    ],
)
def test_only_ascii_digits_make_a_mobile_number(msisdn: str) -> None:
    assert msisdn_problem(msisdn) is not None


@given(prefix=st.sampled_from("3456789"), rest=st.text("0123456789", min_size=9, max_size=9))
def test_every_1_3_to_9_number_of_11_digits_is_accepted(prefix: str, rest: str) -> None:
    assert msisdn_problem("1" + prefix + rest) is None


@given(st.text(min_size=0, max_size=14))
def test_anything_accepted_is_eleven_ascii_digits_starting_13_to_19(value: str) -> None:
    if msisdn_problem(value) is None:
        assert len(value) == 11
        assert all(c in "0123456789" for c in value)
        assert value[0] == "1" and value[1] in "3456789"


@given(st.text("0123456789", min_size=0, max_size=20).filter(lambda s: len(s) != 11))
def test_wrong_length_is_rejected(value: str) -> None:
    assert msisdn_problem(value) is not None


# --- resident ID numbers -----------------------------------------------------------------


@pytest.mark.parametrize("id_number", VALID_IDS)
def test_known_valid_id_numbers_are_accepted(id_number: str) -> None:
    assert id_number_problem(id_number) is None


def test_check_character_follows_gb_11643() -> None:
    assert id_check_digit("11010519491231002") == "X"
    assert id_check_digit("11010119900307425") == "8"
    assert id_check_digit("44052418800101001") == "4"


def test_lower_case_x_is_accepted() -> None:
    assert id_number_problem("11010519491231002x") is None


@pytest.mark.parametrize(
    "id_number",
    [
        "110105194912310021",  # check character should be X
        "110101199003074257",  # off by one
        "440524188001010015",
    ],
)
def test_wrong_check_character_is_rejected(id_number: str) -> None:
    problem = id_number_problem(id_number)
    assert problem is not None
    assert "check" in problem


@pytest.mark.parametrize(
    "first17",
    [
        "43010219990230001",  # 30 February
        "43010219990231001",
        "43010220230229001",  # 2023 is not a leap year
        "43010219001301001",  # month 13
        "43010219850000001",  # day 0
        "43010219850100001",  # month 0
        "43010200000101001",  # year 0
    ],
)
def test_impossible_birth_dates_are_rejected(first17: str) -> None:
    problem = id_number_problem(first17 + id_check_digit(first17))
    assert problem is not None
    assert "birth date" in problem


def test_leap_day_birth_date_is_accepted() -> None:
    first17 = "43010220000229001"
    assert id_number_problem(first17 + id_check_digit(first17)) is None


@pytest.mark.parametrize(
    "id_number",
    [
        "",
        "11010519491231002",  # 17 characters
        "11010519491231002X1",  # 19 characters
        "1101051949123100X2",  # X not at the end
        "11010519491231002Y",
        "110105 19491231002X",
        "110105-9491231002X",
        "１１０１０５１９４９１２３１００２X",  # full-width digits
        "11010519491231002X\n",
    ],
)
def test_malformed_id_numbers_are_rejected(id_number: str) -> None:
    assert id_number_problem(id_number) is not None


birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31))
divisions = st.text("0123456789", min_size=6, max_size=6)
sequences = st.text("0123456789", min_size=3, max_size=3)


@given(division=divisions, born=birth_dates, sequence=sequences)
def test_any_17_digits_with_a_real_date_and_computed_check_validate(
    division: str, born: date, sequence: str
) -> None:
    first17 = f"{division}{born:%Y%m%d}{sequence}"
    assert id_number_problem(first17 + id_check_digit(first17)) is None


@given(
    division=divisions,
    born=birth_dates,
    sequence=sequences,
    other=st.sampled_from("0123456789X"),
)
def test_any_other_check_character_is_invalid(
    division: str, born: date, sequence: str, other: str
) -> None:
    first17 = f"{division}{born:%Y%m%d}{sequence}"
    right = id_check_digit(first17)
    if other == right:
        other = "0" if right != "0" else "1"
    assert id_number_problem(first17 + other) is not None


@given(division=divisions, born=birth_dates, sequence=sequences, position=st.integers(0, 16))
def test_a_single_mistyped_digit_is_caught(
    division: str, born: date, sequence: str, position: int
) -> None:
    first17 = f"{division}{born:%Y%m%d}{sequence}"
    id_number = first17 + id_check_digit(first17)
    digit = int(id_number[position])
    typo = id_number[:position] + str((digit + 1) % 10) + id_number[position + 1 :]
    assert id_number_problem(typo) is not None


# --- masking ------------------------------------------------------------------------------


def test_msisdn_is_masked_like_138_stars_5678() -> None:
    assert mask_msisdn("13812345678") == "138****5678"


@given(st.text("0123456789", min_size=11, max_size=11))
def test_masked_msisdn_keeps_prefix_and_last_four_only(msisdn: str) -> None:
    masked = mask_msisdn(msisdn)
    assert len(masked) == 11
    assert masked[:3] == msisdn[:3]
    assert masked[3:7] == "****"
    assert masked[-4:] == msisdn[-4:]


def test_id_number_keeps_region_and_last_four() -> None:
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_id_number("43010219850228001X") == "430102********001X"


@given(division=divisions, born=birth_dates, sequence=sequences)
def test_masked_id_number_hides_the_birth_date(division: str, born: date, sequence: str) -> None:
    first17 = f"{division}{born:%Y%m%d}{sequence}"
    id_number = first17 + id_check_digit(first17)
    masked = mask_id_number(id_number)
    assert len(masked) == 18
    assert masked[:6] == division
    assert masked[6:14] == "*" * 8
    assert masked[-4:] == id_number[-4:]
