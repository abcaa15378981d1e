"""Name keys: legal forms, punctuation, case and accents do not tell two names apart."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from partners.names import LEGAL_SUFFIXES, firm_key, person_key


@pytest.mark.parametrize(
    "name",
    [
        "Mitsubishi Heavy Industries, Ltd.",
        "MITSUBISHI HEAVY INDUSTRIES LIMITED",
        "Mitsubishi Heavy Industries K.K.",
        "Mitsubishi Heavy Industries Kabushiki Kaisha",
        "mitsubishi-heavy industries co., ltd",
    ],
)
def test_legal_forms_punctuation_and_case_fall_away(name: str) -> None:
    assert firm_key(name) == "mitsubishi heavy industries"


def test_stacked_forms_and_accents() -> None:
    assert firm_key("Tata Advanced Systems Pvt. Ltd.") == "tata advanced systems"
    assert firm_key("Société Générale S.A.") == "societe generale"
    assert firm_key("Rheinmetall GmbH") == firm_key("RHEINMETALL AG") == "rheinmetall"


def test_a_legal_word_inside_a_name_stays() -> None:
    assert firm_key("Co Innovation Labs Inc") == "co innovation labs"


def test_a_name_made_only_of_legal_words_keeps_them() -> None:
    assert firm_key("Company Ltd") == "company ltd"


def test_person_titles_fall_away() -> None:
    assert person_key("Dr. S. Jaishankar") == person_key("s jaishankar") == "s jaishankar"
    assert person_key("Mr") == "mr"


@given(
    st.lists(
        st.text(alphabet="abcdefghijklmnopqrstuvwxyzé", min_size=1, max_size=8),
        min_size=1,
        max_size=4,
    ),
    st.sampled_from([", Ltd.", " LIMITED", " K.K.", " Pvt. Ltd.", " GmbH", " S.A.", " Inc"]),
)
def test_a_legal_form_case_and_punctuation_never_change_the_key(parts, suffix) -> None:
    name = " ".join(parts)
    assume(any(word not in LEGAL_SUFFIXES for word in firm_key(name).split()))
    assert firm_key(name.upper() + suffix) == firm_key(name) == firm_key(name.replace(" ", "-"))
