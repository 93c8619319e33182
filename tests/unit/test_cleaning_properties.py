"""Text cleaning never joins words, never loses a negation, keeps a link's words and a lone '<' (hypothesis)."""

import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from afrlib.prepare import APOSTROPHE_LIKE, STOP_WORDS, clean_review

WORDS = ["coffee", "taste", "great", "awful", "chips", "price", "flavor", "bought", "stale", "smell", "sweet",
         "tea", "box", "dog", "treats", "fresh", "cheetos", "love", "bitter", "crunchy"]
assert not STOP_WORDS.intersection(WORDS)


def unicode_apostrophes():
    """Every character whose Unicode name says it is written for an apostrophe or a single quote/prime."""
    found = set()
    for code in range(sys.maxunicode + 1):
        character = chr(code)
        name = unicodedata.name(character, "")
        if unicodedata.combining(character) or not name or unicodedata.category(character) in {"Lu", "Ll"}:
            continue
        if ("APOSTROPHE" in name or ("SINGLE" in name and "QUOTATION MARK" in name and "HEAVY" not in name
                                     and "ORNAMENT" not in name)
                or name in {"PRIME", "REVERSED PRIME", "ACUTE ACCENT", "GRAVE ACCENT", "FULLWIDTH GRAVE ACCENT",
                            "MODIFIER LETTER PRIME", "MODIFIER LETTER TURNED COMMA", "MODIFIER LETTER REVERSED COMMA",
                            "MODIFIER LETTER ACUTE ACCENT", "MODIFIER LETTER GRAVE ACCENT"}):
            found.add(character)
    return found


APOSTROPHES = sorted(unicode_apostrophes() | {"'"})


def test_every_unicode_apostrophe_is_mapped():
    assert not set(APOSTROPHES) - set(APOSTROPHE_LIKE) - {"'"}


# Separators: any character that is not a letter or digit (str.isalnum), apostrophes aside (they
# make contractions), drawn from the whole of Unicode: punctuation, symbols, emoji, controls, spaces.
# Not separators by definition: invisible format characters (category Cf: a soft hyphen sits inside
# a word; the zero-width space is the exception) and combining marks (category M: part of the letter
# before them, one grapheme with it).
SEPARATORS = st.characters(exclude_categories=["Cs", "Mn", "Mc", "Me"]).filter(
    lambda c: not c.isalnum() and c not in APOSTROPHES and c not in "<&"
    and (unicodedata.category(c) != "Cf" or c == "\u200b"))


@settings(max_examples=400, deadline=None)
@given(first=st.sampled_from(WORDS), separator=SEPARATORS, second=st.sampled_from(WORDS), case=st.booleans())
def test_a_separator_never_joins_two_words(first, separator, second, case):
    text = f"{first.upper() if case else first}{separator}{second}"
    assert clean_review(text).split() == [first, second]


@settings(max_examples=300, deadline=None)
@given(apostrophe=st.sampled_from(APOSTROPHES), negation=st.sampled_from(
    ["didn{}t", "doesn{}t", "isn{}t", "wasn{}t", "won{}t", "can{}t", "wouldn{}t", "don{}t", "shouldn{}t"]),
    word=st.sampled_from(WORDS), upper=st.booleans())
def test_a_negation_survives_any_apostrophe(apostrophe, negation, word, upper):
    text = f"I {negation.format(apostrophe)} like the {word}."
    tokens = clean_review(text.upper() if upper else text).split()
    assert "not" in tokens and word in tokens


@settings(max_examples=200, deadline=None)
@given(words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=6),
       url=st.sampled_from(["http://www.amazon.com/gp/product/B000EVG8J2", "https://a.example/x?y=1&z=2",
                            "www.amazon.com/dp/B00"]),
       quote=st.sampled_from(['"', "'"]))
def test_a_link_keeps_its_words_and_leaves_no_markup(words, url, quote):
    text = f"I love <a href={quote}{url}{quote}>{' '.join(words)}</a> a lot."
    assert clean_review(text).split() == ["love", *words, "lot"]


@pytest.mark.parametrize("text, expected", [
    ("I <3 this coffee, so much better than my old brand > love it", "coffee much better old brand love"),
    ("chips < cookies > crackers", "chips cookies crackers"),
    ("a <b>bold</b> move", "bold move"),
    ("taste<br/>great<BR />price", "taste great price"),
    ("<!-- hidden --> fresh", "fresh"),
    ("love it\U0001F600great", "love great"),
    ("sweet\u2028fresh\u00a0tea\u200bbox", "sweet fresh tea box"),
    ("Café straße 日本茶 naïve", "cafe straße 日本茶 naive"),
    ("'regular' 'real' coffee", "regular real coffee"),
    ("it\u2032s good, don\u02bct buy", "good not buy"),
    ("Cre\u0300me bru\u0302le\u0301e, jalapen\u0303o chips", "creme brulee jalapeno chips"),  # decomposed accents
    ("\u0939\u093f\u0928\u094d\u0926\u0940 \u0905\u091a\u094d\u091b\u093e", "\u0939\u093f\u0928\u094d\u0926\u0940 \u0905\u091a\u094d\u091b\u093e"),  # Hindi kept whole
    ("<I hated this, awful and stale> coffee", "hated awful stale coffee"),  # not a tag: no name=value
    ('<font color=red>bad</font> <span class="x">taste</span>', "bad taste"),
    ("horrible(1/5) awful,stale,5stars horrible\U0001F6002", "horrible awful stale horrible"),
    ("ain't good, shan't buy", "not good shall not buy"),
    # round two of the bad-input tests
    ("Love it\u2764\ufe0fgreat coffee", "love great coffee"),  # an emoji's variation selector separates
    ("(see http://x.com)awful disgusting", "see awful disgusting"),  # an address ends at a bracket
    ("Ewww...disgusting and stale", "ewww disgusting stale"),  # www inside a word is no address
    ("HTTP://EXAMPLE.COM/great awful", "awful"),  # addresses in any case
    ("\U0001d408 \U0001d41d\U0001d428\U0001d427'\U0001d42d \U0001d425\U0001d422\U0001d424\U0001d41e", "not like"),  # math bold
    ("\uff29\uff33\uff2e\u2019\uff34 \uff27\uff2f\uff2f\uff24", "not good"),  # full-width letters
    ("<script>var great=1;</script>awful", "awful"),
    ("disap\u00adpointing and stale", "disappointing stale"),  # soft hyphen
    ("I don\u201dt like it, don\"t buy", "not like not buy"),
    ("don&amp;#39;t like", "not like"),
    ("is\u200bn't good", "not good"),  # zero-width space
    ("\u0300great taste", "great taste"),  # a mark at the start
    ("good\u2122taste", "good taste"),  # a symbol with a compatibility form still separates
])


def test_cleaning_examples(text, expected):
    assert clean_review(text) == expected


@settings(max_examples=200, deadline=None)
@given(words=st.lists(st.sampled_from(["café", "crème", "brûlée", "jalapeño", "naïve", "über", "façade",
                                       "señor", "straße", "smörgåsbord"]), min_size=1, max_size=4),
       form=st.sampled_from(["NFC", "NFD", "NFKC", "NFKD"]))
def test_accents_composed_or_decomposed_clean_alike(words, form):
    text = " ".join(words)
    assert clean_review(unicodedata.normalize(form, text)) == clean_review(text)
    assert len(clean_review(unicodedata.normalize(form, text)).split()) == len(words)


@settings(max_examples=200, deadline=None)
@given(word=st.sampled_from(WORDS), number=st.integers(0, 99), separator=SEPARATORS)
def test_a_number_glued_by_a_separator_does_not_take_the_word(word, number, separator):
    assert clean_review(f"{word}{separator}{number}") == word
    assert clean_review(f"{number}{separator}{word}") == word
