"""Accent folding for search: "Díaz" and "Diaz" compare equal.

Latin letters with accents and their plain letter, one for one, so PostgreSQL's translate()
(influencers.models.creator.folded_display_name, which an index is built on) and Python's
str.translate fold the same way. No extension (unaccent) is needed, so the embedded server and
any PostgreSQL agree. Letters not listed are compared as they are.
"""

ACCENTED = (
    "àáâãäåāăąǎçćĉċčďđèéêëēĕėęěĝğġģĥìíîïĩīĭįıǐĵķĺļľŀłñńņňòóôõöøōŏőǒŕŗřśŝşšţťŧùúûüũūŭůűųǔŵýÿŷźżž"
)
PLAIN = "aaaaaaaaaacccccddeeeeeeeeegggghiiiiiiiiiijklllllnnnnoooooooooorrrsssstttuuuuuuuuuuuwyyyzzz"
_FOLD = str.maketrans(ACCENTED, PLAIN)


def fold(text: str) -> str:
    """Lower-case, accents removed: what folded_display_name() computes for a name."""
    return text.lower().translate(_FOLD)
