from __future__ import annotations

import re

import pytest

from association.documents.service import (
    CODE_ALPHABET,
    new_verification_code,
    normalise_code,
    verification_url,
)


def test_a_new_code_is_four_groups_of_four_unambiguous_characters():
    code = new_verification_code()
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}", code)
    assert not set(code) & set("ILOU")


def test_codes_do_not_repeat():
    assert len({new_verification_code() for _ in range(2000)}) == 2000


def test_a_code_reads_back_as_itself():
    code = new_verification_code()
    assert normalise_code(code) == code


@pytest.mark.parametrize(
    "typed",
    [
        "7k3m-qx9d-2hbt-w4nc",
        "7K3M QX9D 2HBT W4NC",
        "  7k3mqx9d2hbtw4nc ",
        "7K3M-QX9D-2HBT-W4NC\n",
        "https://technoparks.example/verify/7K3M-QX9D-2HBT-W4NC",
        "https://technoparks.example/verify/7k3m-qx9d-2hbt-w4nc/",
    ],
)
def test_what_people_type_or_paste_is_understood(typed):
    assert normalise_code(typed) == "7K3M-QX9D-2HBT-W4NC"


def test_letters_that_look_like_digits_are_read_as_digits():
    assert normalise_code("OOOO-IIII-LLLL-oooo") == "0000-1111-1111-0000"


@pytest.mark.parametrize(
    "junk",
    [
        None,
        "",
        "   ",
        "7K3M-QX9D-2HBT",
        "7K3M-QX9D-2HBT-W4NCX",
        "7K3M-QX9D-2HBT-W4NU",
        "7K3M_QX9D_2HBT_W4NC",
        "../../etc/passwd",
        "7K3M-QX9D-2HBT-W4N€",
        "A" * 500,
        "<script>",
    ],
)
def test_junk_is_not_a_code(junk):
    assert normalise_code(junk) is None


def test_the_alphabet_is_crockfords():
    assert CODE_ALPHABET == "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def test_the_verification_address_is_built_from_base_url():
    assert verification_url(
        {"BASE_URL": "https://technoparks.example/"}, "7K3M-QX9D-2HBT-W4NC"
    ) == ("https://technoparks.example/verify/7K3M-QX9D-2HBT-W4NC")
