"""Text cleaning never joins words, never loses a negation, keeps a link's words and a lone '<' (hypothesis)."""

import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from afrlib.prepare import APOSTROPHE_LIKE, DOUBLE_QUOTE_LIKE, IGNORABLE, STOP_WORDS, clean_review

WORDS = ["coffee", "taste", "great", "awful", "chips", "price", "flavor", "bought", "stale", "smell", "sweet",
         "tea", "box", "dog", "treats", "fresh", "cheetos", "love", "bitter", "crunchy"]
assert not STOP_WORDS.intersection(WORDS)


def unicode_apostrophes():
    """Every character whose Unicode name says it is written for an apostrophe, a single quote (ornaments
    too) or prime, or a comma above a letter."""
    found = set()
    for code in range(sys.maxunicode + 1):
        character = chr(code)
        name = unicodedata.name(character, "")
        if name.startswith("COMBINING") and "COMMA ABOVE" in name:  # don\u0313t
            found.add(character)
        if unicodedata.combining(character) or not name or unicodedata.category(character) in {"Lu", "Ll"}:
            continue
        if ("APOSTROPHE" in name or ("SINGLE" in name and "QUOTATION MARK" in name)
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
# before them, one grapheme with it); enclosed letters (``ⓖ``, ``⒜``, ``🅶``: read as letters, a word of their own).
SEPARATORS = st.characters(exclude_categories=["Cs", "Mn", "Mc", "Me"]).filter(
    lambda c: not c.isalnum() and c not in APOSTROPHES and c not in "<&"
    and not ("\u2460" <= c <= "\u24ff" or "\U0001f100" <= c < "\U0001f1e6")
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


def unicode_double_quotes():
    """Every double quotation mark or double prime by its Unicode name (angle quotes and ornaments aside)."""
    found = {'"', "\uff02"}
    for code in range(sys.maxunicode + 1):
        name = unicodedata.name(chr(code), "")
        if ("DOUBLE" in name and ("QUOTATION MARK" in name or "PRIME" in name)
                and "ANGLE" not in name and "ORNAMENT" not in name):
            found.add(chr(code))
    return found


def test_every_double_quote_is_known():
    assert unicode_double_quotes() == set(DOUBLE_QUOTE_LIKE)


@settings(max_examples=200, deadline=None)
@given(quote=st.sampled_from(sorted(unicode_double_quotes()) + ["\x92", "\x91"]),  # \x92: Windows-1252's apostrophe
       negation=st.sampled_from(["didn{}t", "don{}t", "isn{}t", "can{}t", "won{}t"]), word=st.sampled_from(WORDS))
def test_a_negation_survives_a_double_quote_or_a_windows_1252_apostrophe(quote, negation, word):
    tokens = clean_review(f"I {negation.format(quote)} like the {word}.").split()
    assert "not" in tokens and word in tokens


@settings(max_examples=200, deadline=None)
@given(mark=st.sampled_from([chr(c) for c in range(sys.maxunicode + 1) if IGNORABLE.fullmatch(chr(c))]),
       first=st.sampled_from(WORDS + ["not"]), second=st.sampled_from(WORDS))
def test_an_invisible_character_after_a_word_does_not_change_it(mark, first, second):
    assert clean_review(f"{first}{mark} {second}").split() == [first, second]
    assert clean_review(f"{first}{mark}{second}").split() == [first, second]  # nor joins it to the next


@settings(max_examples=300, deadline=None)
@given(url=st.sampled_from(["http://x.com", "https://www.amazon.com/dp/B00?x=1&amp;y=2", "www.example.org/a_b"]),
       end=st.sampled_from(["&nbsp;", ",", "...", "\u3001", "\u00a0", " ", ")", "\u2014", "\"", "<br />"]),
       word=st.sampled_from(WORDS))
def test_an_address_ends_before_the_next_word(url, end, word):
    assert clean_review(f"see {url}{end}{word.capitalize()} taste").split() == ["see", word, "taste"]


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
    # round three
    ("I don\u201et like it, don\u2033t buy, don\x92t want", "not like not buy not want"),
    ("not\ufe0f good, not\u034f fresh", "not good not fresh"),
    ("See http://x.com&nbsp;Awful taste", "see awful taste"),
    ("Found it at www.amazon.com...Terrible, www.x.com,awful", "found terrible awful"),
    ("\x93Great\x94 \x96 awful\x85stale", "great awful stale"),  # Windows-1252 quotes, dash, ellipsis
    ("HTTPS://WWW.KITCHEN.COM/skillet tasty", "tasty"),  # k, s, i inside an address in any case
    # round four
    ("Check out http://x.com!Great stuff, http://y.com;awful, http://z.com:stale", "check great stuff awful stale"),
    ("http://x.com:8080/a?b=1&c=2 great http://x.com&tasty", "great tasty"),  # a port, a query; & then a word
    ("&not good, sweet&nothing, caf&eacute; &copy great", "not good sweet nothing cafe copy great"),  # ; needed
    ("delicious\u00b9 good\u00b2 x\u2460fresh", "delicious good x fresh"),  # footnote marks separate
    ('<p onclick="a>b">awful</p> <a title=\'x > y\'>stale</a>', "awful stale"),  # > inside a quoted value
    ("I don&#39t like it, don&#x2019t buy", "not like not buy"),  # numeric references without ';', as browsers read
    ("<html><body><time>Awful</time> <mark>taste</mark></body></html>", "awful taste"),  # every HTML element
    ("<timeless> <a-b>crunchy", "timeless b crunchy"),  # not element names
    ("\u24d6\u24de\u24de\u24d3 \u24a2\u24aa\u24aa\u249f \U0001f136\U0001f13e\U0001f13e\U0001f133 good\u2122taste",
     "good good good good taste"),  # circled, parenthesized, squared letters; the trade mark sign separates
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
