"""Property tests for the parts that decode files and match headers."""

import codecs
import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from influencers.importers import columns
from influencers.importers.kinds.creators import handle_normalised
from influencers.importers.sources import detect_encoding, sniff_delimiter
from influencers.normalisers import NormaliseError, normalise_handle

ALIASES = [alias for _label, aliases in columns.ALIASES.values() for alias in aliases]


@given(
    st.sampled_from(ALIASES),
    st.sampled_from(["", " ", "  "]),
    st.sampled_from([str.lower, str.upper, str.title, lambda s: s]),
    st.sampled_from(["", ":", " *", "."]),
)
def test_every_alias_matches_whatever_its_case_spacing_and_punctuation(alias, pad, case, tail):
    field = columns.field_for_header(alias)
    assert field is not None
    assert columns.field_for_header(pad + case(alias) + tail + pad) == field


@given(st.text(max_size=30))
def test_header_key_is_idempotent_and_never_fails(text):
    key = columns.header_key(text)
    assert columns.header_key(key) == key


_cell = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00"),
    max_size=12,
)


@settings(max_examples=150)
@given(
    st.lists(st.lists(_cell, min_size=3, max_size=3), min_size=2, max_size=8),
    st.sampled_from([",", ";", "\t"]),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
)
def test_written_csv_decodes_back_with_the_sniffed_delimiter(rows, delimiter, encoding):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(["Name", "TikTok", "Email"])
    writer.writerows(rows)
    data = buffer.getvalue().encode(encoding)
    detected = detect_encoding(data)
    text = codecs.decode(data, detected)
    assert text.lstrip("\ufeff") == buffer.getvalue()
    assert sniff_delimiter(text.lstrip("\ufeff")) == delimiter


@given(
    st.lists(
        st.sampled_from(
            "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动"
        ),
        min_size=8,
        max_size=30,
        unique=True,
    ).map("".join),
    st.text(alphabet="abcdefgxyz ,", max_size=20),
)
def test_chinese_text_in_gb18030_is_detected(chinese, ascii_part):
    # (Two or three GB18030 characters can happen to be valid UTF-8 too; a real sheet cannot.)
    data = (ascii_part + chinese + "\r\n").encode("gb18030")
    assert detect_encoding(data) in ("gb18030", "utf-8")  # pure ASCII prefixes stay UTF-8
    assert codecs.decode(data, detect_encoding(data)) == ascii_part + chinese + "\r\n"


@given(
    st.text(alphabet="éèàüöäßçñ", min_size=1, max_size=5),
    st.text(alphabet="abcdefghij ", min_size=1, max_size=10),
)
def test_latin1_text_is_not_mistaken_for_gb18030(accented, plain):
    data = (plain + accented[0] + plain + "\r\n").encode("cp1252")
    assert detect_encoding(data) == "cp1252"


@given(
    st.from_regex(r"@?[A-Za-z0-9_.\-]{1,30}", fullmatch=True),
    st.sampled_from(["tiktok", "instagram", "x"]),
)
def test_fast_handle_path_agrees_with_the_normaliser(text, platform):
    try:
        expected = normalise_handle(text, platform)
    except NormaliseError:
        expected = None
    try:
        got = handle_normalised(text, platform)
    except NormaliseError:
        got = None
    assert got == expected
