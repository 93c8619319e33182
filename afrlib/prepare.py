"""The standard course recipe: reviews -> labelled, de-duplicated, cleaned, time-split, padded arrays.

Recipe and counts (full Kaggle data; the standard recipe of the 2019 course notebook this project rebuilds):

1. drop ``Score == 3`` (525,814 left); label ``Score > 3`` as 1 (positive), else 0;
2. stable sort by ``(ProductId, Id)``, drop duplicates on ``(UserId, ProfileName, Time, Text)``
   keeping the first (364,173 left);
3. drop ``HelpfulnessNumerator > HelpfulnessDenominator`` (364,171 left: 307,061 positive,
   57,110 negative);
4. clean the text (:func:`clean_review`), drop reviews left empty (counted);
5. order by ``Time`` and split 80/20, older reviews in train (291,336 / 72,835 on full data);
6. vocabulary from the training split only, ranked by frequency (1 = most frequent,
   0 = padding); words not in the vocabulary are **dropped** (no OOV index, as in the original);
7. pad/truncate to ``maxlen`` with Keras ``pad_sequences`` (``'pre'``, its default).
"""

import hashlib
import html
import json
import re
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import joblib
import numpy as np
from sklearn.model_selection import train_test_split

from afrlib.data import check_path, file_sha256, load_reviews
from afrlib.errors import DataError, ParameterError, check_fraction, check_whole_number
from afrlib.paths import atomic_path

#: Bump when :func:`clean_review` changes: cached datasets and saved models record it.
CLEANING_VERSION = 3
#: Longest sequence accepted: longer than any review of the dataset after cleaning.
MAX_MAXLEN = 10_000
#: Bump when the cached file layout changes.
CACHE_FORMAT = 1

#: NLTK's English stop-word list (nltk.corpus.stopwords, 179 words), shipped here because
#: nothing may be downloaded at run time; minus the negations ``no``, ``nor``, ``not`` and
#: plus ``br`` (left over from ``<br />``), as in the course recipe. Entries with an
#: apostrophe are left out: cleaning turns every apostrophe into a space or an expansion.
STOP_WORDS = frozenset("""
i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she
her hers herself it its itself they them their theirs themselves what which who whom this that
these those am is are was were be been being have has had having do does did doing a an the and
but if or because as until while of at by for with about against between into through during
before after above below to from up down in out on off over under again further then once here
there when where why how all any both each few more most other some such only own same so than
too very s t can will just don should now d ll m o re ve y ain aren couldn didn doesn hadn hasn
haven isn ma mightn mustn needn shan shouldn wasn weren won wouldn br
""".split())

#: HTML element names: those of the WHATWG HTML standard's element index, plus the obsolete ones old pages
#: still use (``big``, ``center``, ``font``, ``marquee``, ``strike``, ``tt`` ...).
HTML_ELEMENTS = ("a abbr acronym address area article aside audio b base bdi bdo big blockquote body br button canvas "
                 "caption center cite code col colgroup data datalist dd del details dfn dialog dir div dl dt em embed "
                 "fieldset figcaption figure font footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr "
                 "html i iframe img input ins kbd label legend li link main map mark marquee menu meta meter nav nobr "
                 "noscript object ol optgroup option output p param picture pre progress q rp rt ruby s samp script "
                 "search section select slot small source span strike strong style sub summary sup table tbody td "
                 "template textarea tfoot th thead time title tr track tt u ul var video wbr").split()
#: HTML the reviews hold (``<br />``, links, emphasis, comments): a ``<`` followed by an HTML element
#: name (:data:`HTML_ELEMENTS`) or a prefixed one (Word's ``<o:p>``, ``<st1:place>``), then only ``name=value``
#: attributes (a quoted value may hold ``>``), then ``>`` or ``/>``; a CDATA section's markers. Anything else in angle
#: brackets is text:
#: ``I <3 this``, ``a < b``, ``<I hated this, awful>``.
HTML_TAG = re.compile(r"<!--.*?-->|<!\[CDATA\[|\]\]>|</?(?:[a-z][a-z0-9]*:[a-z][\w-]*|"
                      + "|".join(sorted(HTML_ELEMENTS, key=len, reverse=True)) + r")(?![\w-])"
                      r"(?:\s+[a-z_:][-a-z0-9_:.]*\s*=\s*(?:\"[^\"<]{0,2000}\"|'[^'<]{0,2000}'|[^\s\"'<>`]+))*\s*/?>",
                      re.IGNORECASE | re.DOTALL)
#: Elements that a browser shows inside a line of text without a break (phrasing content), and comments: their tags
#: go without a trace, so ``aw<b>ful</b>`` stays ``awful``; every other tag (``<br>``, ``<p>``, ``<li>``) separates words,
#: and so does a link's ``<a>``: the reviews' links were put in by Amazon's pages, often right after a word
#: (``16 oz<a href=...>Pico de Gallo</a>`` in 10 of the default sample's kept reviews).
INLINE_ELEMENTS = frozenset("abbr acronym b bdi bdo big cite code data del dfn em font i ins kbd mark nobr q s samp "
                            "small span strike strong sub sup time tt u var wbr".split())


#: Forum markup (BBCode): ``[b]``, ``[/i]``, ``[url=...]``, ``[quote]``, ``[*]``...; the emphasis tags go without a
#: trace (``[b]aw[/b]ful`` is ``awful``), the others separate words.
BBCODE = re.compile(r"\[/?(b|i|u|s|strike|color|size|font|spoiler|url|img|quote|code|center|left|right|list|\*|email|h[1-6])"
                    r"(?:=[^\[\]]{0,2000})?\]", re.IGNORECASE)
BBCODE_INLINE = {"b", "i", "u", "s", "strike", "color", "size", "font", "spoiler"}


def _strip_tag(match):
    """A match of :data:`HTML_TAG` -> ``""`` for a comment or an inline element's tag, else a space. A prefixed tag
    (Word's ``<st1:place>``) is inline unless its name after the prefix is a break (``<w:br/>``, ``<w:tab/>``) or an
    HTML element that is not inline (``<o:p>``, a paragraph's)."""
    tag = match.group(0)
    name = re.match(r"</?([a-z0-9:]+)", tag, re.IGNORECASE)
    local = name.group(1).lower().rsplit(":", 1)[-1] if name else ""
    breaking = local in {"br", "cr", "tab"} or (local in HTML_ELEMENTS and local not in INLINE_ELEMENTS)
    if tag.startswith("<!--") or local in INLINE_ELEMENTS or (name and ":" in name.group(1) and not breaking):
        return ""
    return " "  # also a CDATA section's markers


#: An HTML character reference: a name ended by ``;`` (``&amp;``), or a number with or without it (``&#39;``,
#: ``&#39``, ``&#x2019;``), as browsers read them; ``&nbsp``, ``&amp`` and ``&quot`` without ``;`` too. Another
#: name without ``;`` stays text: ``html.unescape`` alone also decodes legacy names such as ``&not``, so
#: ``&not good`` would lose "not".
ENTITY = re.compile(r"&(?:#[0-9]{1,7};?|#[xX][0-9a-fA-F]{1,6};?|[A-Za-z][A-Za-z0-9]{1,31};|(?:nbsp|amp|quot)(?!;))")
#: A named apostrophe entity without its ``;`` (``don&rsquot``): browsers would show it as text, but it was meant as ``’``.
APOSTROPHE_ENTITY = re.compile(r"&(?:rsquo|lsquo|apos)(?!;)", re.IGNORECASE)
#: Escapes that an export left as text: a character's code point written ``\u2019`` (JSON, with its surrogate pairs:
#: ``\ud83d\ude00``), ``%u2019`` (JavaScript's ``escape``), ``\U00002019``, ``\u{2019}``, ``\x{2019}`` or ``\x2019`` (four
#: hex digits), or ``\U2019`` (a ``\u`` upper-cased with its text: ``DON\U2019T``); a run of bytes written ``\xe2\x80\x99``
#: (as Python prints them; also with doubled backslashes), ``\342\200\231`` (octal, as git and ls print names) or
#: ``=E2=80=99`` (e-mail's quoted-printable: a run of non-ASCII bytes that are UTF-8, or one byte between letters,
#: ``don=92t``) or RTF (``don\'92t``), read as UTF-8, else as Windows-1252 (``don\x92t``); a line break or tab written ``\n``,
#: ``\r``, ``\t`` before a capital or after punctuation (``great!\nnot worth it``, ``great\nNot``: a space), and a URL-encoded apostrophe, space or punctuation between
#: letters (``don%27t``, ``don%E2%80%99t``; ``great%20taste``: a space).
CODE_POINT_ESCAPE = re.compile(r"(?:\\u[0-9a-fA-F]{4})+|(?:%u[0-9a-fA-F]{4})+|\\U([0-9a-fA-F]{8})"
                               r"|\\U([0-9a-fA-F]{4})(?![0-9a-fA-F])|\\[ux]\{([0-9a-fA-F]{1,6})\}"
                               r"|\\x([0-9a-fA-F]{4})(?![0-9a-fA-F])")
BYTE_ESCAPES = re.compile(r"(?:\\{1,2}[xX][0-9a-fA-F]{2})+|(?:\\{1,2}[0-3][0-7]{2})+|(?:=[89a-fA-F][0-9a-fA-F]){2,}"
                          r"|(?<=[A-Za-z])=[0-9A-F]{2}(?=[A-Za-z])|(?:\\'[0-9a-fA-F]{2})+")
#: A review printed as a Python string (``b'...'``, ``u"..."``): its prefix and quotes would be read as words.
PYTHON_STRING = re.compile(r"\A\s*[bBuU]([\"'])((?:(?!\1)[^\\]|\\.)*)\1\s*\Z", re.DOTALL)
#: A tag whose brackets are URL-encoded or quoted-printable (``%3Cb%3E``, ``=3C/b=3E``): read as the tag.
ENCODED_TAG = re.compile(r"(?:%3C|=3C)(/?[A-Za-z][^\s<>%=]{0,100}?)(?:%3E|=3E)", re.IGNORECASE)
QP_SOFT_BREAK = re.compile(r"(?<=[A-Za-z])=\r?\n(?=[A-Za-z])")  # quoted-printable's "cof=\nfee": one word
LINE_ESCAPE = re.compile(r"(?<!\\)(?:\\{1,2}[nrt])+(?=[A-Z])|(?<=[.!?,;:])(?:\\{1,2}[nrt])+")  # not "coffee\taste": a backslash there
PERCENT_APOSTROPHE = re.compile(r"(?<=[A-Za-z])%(?:27|E2%80%99)(?=[A-Za-z])", re.IGNORECASE)
PERCENT_SPACE = re.compile(r"(?<=[A-Za-z.,!?])(?:%(?:20|21|2C|2E|3A|3B|3F|0D|0A|09))+(?=[A-Za-z])", re.IGNORECASE)
#: ``<script>``/``<style>`` blocks: their content is code, not review text.
SCRIPT = re.compile(r"<(script|style)\b[^<>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
#: A web address: ``http(s)://``, ``ftp://`` or a ``www.`` that starts a word (or follows letters or a sentence's full
#: stop when a domain follows it: ``awfulwww.x.com``, ``I hated it.www.x.com``), in any case. It runs over ASCII
#: characters only (RFC 3986) and ends at a space, a bracket, a quote, a comma, a backslash, two dots, a dot or ``#`` before a
#: capitalised word that ends there (``www.x.com.Horrible stuff``, ``x.com#Awful``), ``! ; |``, a ``:``
#: not followed by a port number, a ``&`` or ``?`` not followed by a ``name=`` query parameter, or any non-ASCII
#: character: ``(see http://x.com)awful``, ``www.x.com,awful``, ``www.x.com...awful``, ``x.com!Great``,
#: ``x.com、awful`` and ``x.com&nbsp;awful`` (entities are decoded first) keep their last word, and
#: ``x.com:8080/a?b=1&c=2`` goes whole; ``Ewww...`` is no address. Letters of any script go with the address in its
#: path (``x.com/café/crème``, ``amazon.co.jp/商品/dp``), not in its host name (``www.x.com很好`` keeps ``很好``).
#: (Case-insensitive for the prefix only: under re.IGNORECASE the non-ASCII range would also exclude ``k``,
#: ``s`` and ``i``, whose case partners U+212A, U+017F and U+0130 are not ASCII.)
_URL_PART = (r"[.#](?!\.|[A-Z][a-z]+\b(?![./]))|:(?=\d)|[&?](?=[\w.\-]*=)")
URL = re.compile(r"(?i:(?:https?|ftp)://|(?<![\w.])www\.|(?:(?<=[a-z])|(?<=[a-z]\.))www\.(?=[a-z0-9-]+\.[a-z]{2,}))"
                 r"(?=[^\s<>()\[\]{}\"',.#!;:|&?\\\x80-\U0010ffff])"  # not "www." alone, not "http://" + full width
                 r"(?:[^\s<>()\[\]{}\"',.#!;:|&?/\\\x80-\U0010ffff]|" + _URL_PART + ")*"
                 r"(?:/(?:[^\s<>()\[\]{}\"',.#!;:|&?\\\x80-\U0010ffff]|[^\W\x00-\x7f]|" + _URL_PART + ")*)?")
#: Characters written for an apostrophe: every Unicode character named APOSTROPHE, single quotation
#: marks (their ornament forms too), primes, acute and grave accents, the modifier letters that look like
#: them and the combining commas above (the test suite derives the same set from Unicode names). All become ``'`` before contractions expand.
APOSTROPHE_LIKE = ("\u0060\u00b4\u02b9\u02bb\u02bc\u02bd\u02be\u02bf\u02c8\u02ca\u02cb\u0374\u055a\u05f3"
                   "\u1fbd\u1fbf\u1fef\u1ffd\u1ffe\u2018\u2019\u201a\u201b\u2032\u2035\u2039\u203a\ua78b"
                   "\ua78c\uff07\uff40\u02ee\u07f4\u07f5\U000e0027\u275b\u275c\u275f"
                   "\u0312\u0313\u0314\u0315\u0384")
APOSTROPHES = str.maketrans({character: "'" for character in APOSTROPHE_LIKE})


def _mojibake(characters):
    """The forms that ``characters`` take when their UTF-8 bytes are read as Windows-1252 once (``’`` -> ``â€™``)
    or twice (``Ã¢â‚¬â„¢``), longest first."""
    forms = set()
    for character in characters:
        form = character
        for _ in range(2):
            try:
                form = form.encode("utf-8").decode("cp1252")
            except UnicodeDecodeError:  # a byte that Windows-1252 leaves undefined
                break
            forms.add(form)
    return sorted((form for form in forms if len(form) > 1), key=len, reverse=True)


#: An apostrophe look-alike mis-decoded (UTF-8 read as Windows-1252, as exports from other systems show it:
#: ``didnâ€™t``, or twice: ``didnÃ¢â‚¬â„¢t``); read as ``'`` after :data:`CP1252_CONTROLS`, which gives the
#: Latin-1 reading the same form.
MOJIBAKE_APOSTROPHE = re.compile("|".join(re.escape(form) for form in _mojibake(APOSTROPHE_LIKE)))
#: Combining marks (the Unicode combining blocks) right after an apostrophe: ``don'́t`` keeps its negation.
MARK_AFTER_APOSTROPHE = re.compile("(?<=')[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
CONTRACTIONS = {"won't": "will not", "can't": "can not", "ain't": "is not", "shan't": "shall not", "n't": " not", "'re": " are", "'s": " is",
                "'d": " would", "'ll": " will", "'t": " not", "'ve": " have", "'m": " am"}
#: A contraction ends its word: ``'s`` in ``it's``, not in ``'seven``.
CONTRACTION = re.compile("(?:" + "|".join(re.escape(c) for c in CONTRACTIONS) + r")(?!\w)")
#: A whitespace-delimited token holding a digit. Same matches as the recipe's ``\S*\d\S*`` (matches
#: can only start at a token's first character and run to its end), but anchored at token starts
#: and without backtracking (possessive ``*+``, Python >= 3.11): about 2x faster at full scale.
DIGIT_TOKEN = re.compile(r"(?<!\S)[^\s\d]*+\d\S*")
NON_ALNUM = re.compile(r"[^a-z0-9]+")


#: Double quotation marks and double primes (every character whose Unicode name has DOUBLE with QUOTATION MARK
#: or PRIME, angle quotes and ornaments aside, plus ``"`` and its full-width form; the tests derive the same set).
DOUBLE_QUOTE_LIKE = "\"\u02ba\u201c\u201d\u201e\u201f\u2033\u2036\u2e42\u301d\u301e\u301f\uff02"
#: A double quote written for the apostrophe of a negation (``don"t``, ``don”t``, ``don„t``, ``don″t``), or the
#: ``?`` or replacement character U+FFFD that a lossy conversion left in its place (``didn?t``, ``didn\ufffdt``).
QUOTE_IN_NEGATION = re.compile(f"(?<=n)[{DOUBLE_QUOTE_LIKE}?\ufffd](?=t(?!\\w))")
#: A negation whose apostrophe became a space (``don t``, ``can t``): the usual stems only, so ``urban t-shirt``
#: stays as it is.
NEGATION_STEMS = ("don|doesn|didn|isn|wasn|weren|aren|couldn|wouldn|shouldn|haven|hasn|hadn|won|can|ain|mustn|needn|shan"
                  "|mightn|oughtn")
SPACE_IN_NEGATION = re.compile(rf"\b({NEGATION_STEMS}) t\b")
#: A negation whose apostrophe became a run of other characters in a wrong decoding (``don‚Äôt`` MacRoman, ``donΓÇÖt``
#: cp437, ``donвЂ™t`` cp1251, ``donÃ¢Â\x80Â\x99t`` Latin-1 twice, ``donât`` with its controls dropped): any run of up to
#: nine non-ASCII characters or apostrophes between a negation stem and ``t`` is read as the apostrophe.
GARBLED_NEGATION = re.compile(rf"\b({NEGATION_STEMS})(?:[^\x00-\x7f]|'){{1,9}}t\b")
#: What a garbled ``’`` leaves before a contraction's ending when its invisible characters were dropped
#: (``coffeeâs``, ``donâ€t``): read as ``'``.
TRUNCATED_MOJIBAKE = re.compile(r"(?<=[a-z])â€?(?=(?:s|t|re|ll|ve|d|m)\b)")
#: Terminal colour and cursor codes (ANSI escape sequences, also in the caret notation of ``cat -v``: ``^[[31m``) pasted
#: with the text: removed, so a word they cut (``gre\x1b[0mat``) stays whole; a terminal title code
#: (``\x1b]0;title\x07``) becomes a space, and so do chat (IRC) colour and format codes (``\x0304awful\x03``), which,
#: as any control character, separate words.
ANSI_ESCAPE = re.compile(r"(?:\x1b|\^\[)\[[0-?]*[ -/]*[@-~]")
IRC_FORMAT = re.compile(r"\x03(?:\d{1,2}(?:,\d{1,2})?)?|[\x02\x0f\x11\x16\x1d\x1f]")
TERMINAL_TITLE = re.compile(r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
#: A word holding an apostrophe in the wrong place (``do'nt``, ``d'ont``, ``might'nt``, ``don'``), as cleaning leaves it
#: after expanding the well-written contractions; not one followed by ``t`` (``don' t`` is found as ``don t``)
#: or by the ``not`` of an expansion (``don''t`` -> ``don' not`` keeps its negation).
APOSTROPHE_WORD = re.compile(r"(?<![a-z'])[a-z']*'[a-z']*(?![a-z'])(?!\s?(?:t|not)\b)")
#: Negations without their apostrophe (``dont``) and stems that are no English word alone (``don``, not ``can``).
NEGATION_WORDS = {stem + "t": stem for stem in NEGATION_STEMS.split("|")} | {
    stem: stem for stem in NEGATION_STEMS.split("|") if stem not in ("won", "can", "haven")} | {
    "dnt": "don", "wudnt": "wouldn", "cudnt": "couldn", "shudnt": "shouldn"}  # as typed in text messages
#: C1 control characters U+0080-U+009F read as the Windows-1252 punctuation they stand for in text that was
#: decoded as Latin-1 (``\x92`` is the apostrophe ``’``, ``\x93``/``\x94`` quotes, ``\x85`` an ellipsis); the
#: HTML standard maps ``&#146;`` the same way. Codes that Windows-1252 leaves undefined or maps to a letter
#: (``\x8a`` Š, ``\x88`` ˆ) stay controls, so they still separate words.
CP1252_CONTROLS = str.maketrans({chr(code): bytes([code]).decode("cp1252") for code in range(0x80, 0xa0)
                                 if code not in (0x81, 0x8d, 0x8f, 0x90, 0x9d)
                                 and not bytes([code]).decode("cp1252").isalnum()})
#: Invisible characters that are not of category Cf but must not count as part of a word: the combining
#: grapheme joiner, variation selectors, Mongolian free variation selectors, Khmer inherent vowels (the
#: Default_Ignorable_Code_Point property of Unicode's DerivedCoreProperties.txt, less its Cf characters, which
#: :func:`_compatibility_letters` removes anyway, and the Hangul fillers, which :data:`WORD_BREAKS` holds).
IGNORABLE = re.compile("[\u034f\u17b4\u17b5\u180b-\u180d\u180f\ufe00-\ufe0f"
                       "\U0001bca0-\U0001bca3\U000e0100-\U000e01ef]")
#: An :data:`IGNORABLE` character between two Latin letters (``great\u034fcoffee``): it joins no Latin word, so it
#: separates the two, as any other character that is not a letter or digit does.
IGNORABLE_BETWEEN_LATIN = re.compile(r"(?<=[A-Za-z\u00c0-\u024f])" + IGNORABLE.pattern + r"+(?=[A-Za-z\u00c0-\u024f])")
#: Cyrillic, Greek and Armenian letters that look like Latin ones, in their own case, and Latin letters of the
#: phonetic alphabet that look like plain ones (``ɡ``, ``ɑ``, dotless ``ı``) (after Unicode's confusables list,
#: UTS #39), read as those Latin letters in a word that also holds Latin letters (``cоffee`` typed with a Cyrillic
#: ``о``, to dodge filters or from a keyboard layout switch), or in a word of look-alikes only (``ΝΟΤ`` in Greek
#: capitals) when the text holds no other Cyrillic or Greek letter. Text in those scripts is kept as it is.
LOOKALIKES = str.maketrans("аеорсухіјѕԁԛԝһӏАВЕКМНОРСТХІЈЅҮαονιρκΑΒΕΖΗΙΚΜΝΟΡΤΥΧօսոհցզɡɑıɩ",
                           "aeopcyxijsdqwhlABEKMHOPCTXIJSYaovipkABEZHIKMNOPTYXounhgqgaii")
LETTER_RUN = re.compile(r"[^\W\d_]+")
#: Letters of the scripts :data:`LOOKALIKES` borrows from (Greek, Cyrillic, Armenian).
LOOKALIKE_SCRIPTS = re.compile("[\u0370-\u03ff\u0400-\u052f\u0530-\u058f\u1f00-\u1fff]")


def _decode_entities(text):
    """One pass of :data:`ENTITY` decoding (``&#8203;`` -> U+200B)."""
    return ENTITY.sub(lambda match: html.unescape(match.group(0)), text)


def _code_point(match):
    """The character(s) of a :data:`CODE_POINT_ESCAPE` match; a lone surrogate or a number beyond Unicode is U+FFFD,
    the replacement character (as ``html.unescape`` reads ``&#xD800;``)."""
    number = next((group for group in match.groups() if group), None)
    if number is not None:
        code = int(number, 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code < 0xE000 else "\ufffd"
    units = "".join(chr(int(unit, 16)) for unit in re.findall("[0-9a-fA-F]{4}", match.group(0)))  # UTF-16
    return units.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def _bytes(match):
    """The text of a :data:`BYTE_ESCAPES` match: its bytes as UTF-8, else as Windows-1252 (U+FFFD for the five bytes
    that code page leaves undefined); a quoted-printable run of two or more bytes only when UTF-8."""
    run = match.group(0)
    if run.startswith("="):
        data = bytes(int(code, 16) for code in re.findall("=(..)", run))
    elif run.startswith("\\'"):
        data = bytes(int(code, 16) for code in re.findall("'(..)", run))
    elif "x" in run[:3].lower():
        data = bytes(int(code, 16) for code in re.findall("[xX](..)", run))
    else:
        data = bytes(int(code, 8) for code in re.findall(r"\\([0-7]{3})", run))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return run if run.startswith("=") and len(data) > 1 else data.decode("cp1252", "replace")


def decode_escapes(text):
    """Escapes that an export left in a review, read as the characters they stand for (:data:`CODE_POINT_ESCAPE`,
    :data:`BYTE_ESCAPES`): ``don\\u2019t``, ``don\\xe2\\x80\\x99t`` and ``don=E2=80=99t`` -> ``don’t``.

    Args:
        text (str): raw review text.

    Returns:
        str: the text with those escapes replaced; an escape of no character (a lone surrogate ``\\ud83d``, a
        number beyond U+10FFFF) becomes U+FFFD.
    """
    text = ENCODED_TAG.sub(r"<\1>", text) if ("%" in text or "=" in text) else text
    return BYTE_ESCAPES.sub(_bytes, CODE_POINT_ESCAPE.sub(_code_point, QP_SOFT_BREAK.sub("", text)))


def decoded_text(text):
    """``text`` with its escapes (:func:`decode_escapes`) and HTML entities read, as cleaning reads them (str)."""
    return _decode_entities(decode_escapes(text))


def _latin_lookalikes(text):
    """``text`` with the look-alike letters of :data:`LOOKALIKES` read as Latin where it says (``cоffee`` -> ``coffee``,
    ``ΝΟΤ good`` -> ``NOT good``; ``кофе`` unchanged)."""
    translated = text.translate(LOOKALIKES)
    if translated == text:  # no look-alike: most non-ASCII reviews
        return text
    latin_only = not LOOKALIKE_SCRIPTS.search(translated)  # no other letter of those scripts

    def plain(match):
        word = match.group(0)
        read = word.translate(LOOKALIKES)
        if read != word and read.isascii() and (latin_only or any(character.isascii() for character in word)):
            return read
        return word

    return LETTER_RUN.sub(plain, text)


#: Invisible characters that separate words: the zero-width space, the invisible function application, separator,
#: times and plus, the
#: Mongolian vowel separator, the direction marks and controls (a change of writing direction ends a run of text)
#: the Hangul fillers (letters by their Unicode category, typed as blank spaces), a byte-order mark inside the text,
#: the tag space and the combining keycap (``5️⃣stars``).
WORD_BREAKS = frozenset("\u200b\u2061\u2062\u2063\u2064\u180e\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e"
                        "\u2066\u2067\u2068\u2069\u115f\u1160\u3164\uffa0\ufeff\U000e0020\u20e3")


def _compatibility_letters(text):
    """Letters and digits in compatibility forms (𝐝𝐨𝐧, ＩＳＮ, ligatures) -> their plain forms (NFKC, per
    character), and invisible format characters (soft hyphen, zero-width space and joiners, Unicode
    category Cf, and :data:`IGNORABLE`) removed; numbers that are not decimal digits (superscripts such as a
    footnote's ``¹``, circled numbers, fractions such as ``½``, Roman numerals) become spaces; circled, parenthesized
    and squared letters (``ⓖ``, ``⒢``, ``🄶``) and small capitals (``ɴᴏᴛ``) become plain letters; :data:`WORD_BREAKS`
    separate words. Other symbols keep their form (``™`` is not turned into letters), so they still separate words."""
    kept, enclosed_before = [], False
    for character in IGNORABLE.sub("", IGNORABLE_BETWEEN_LATIN.sub(" ", text)):
        enclosed = False
        if character in WORD_BREAKS:
            character = " "
        elif "\uff01" <= character <= "\uff5e":  # full-width ASCII, punctuation too: ｈｔｔｐｓ：／／ is an address
            character = chr(ord(character) - 0xfee0)
        elif unicodedata.category(character) == "Cf":
            continue
        if unicodedata.category(character) in ("No", "Nl"):  # superscripts, circled numbers, fractions, Roman numerals
            character = " "
        elif character.isalnum() and not character.isascii():
            plain = unicodedata.normalize("NFKC", character)
            small = unicodedata.name(character, "").removeprefix("LATIN LETTER SMALL CAPITAL ")  # ɴᴏᴛ: "fancy text"
            if plain == character and small.isascii() and small.isalpha():
                plain = small.lower()
            if all(part.isalnum() for part in plain):
                character = plain
        elif not character.isascii() and "LETTER" in unicodedata.name(character, ""):  # ⓖ, ⒢, 🄶: enclosed letters
            plain = unicodedata.normalize("NFKC", character).strip("()")
            letter = unicodedata.name(character).rsplit(" ", 1)[-1]  # 🅶 NEGATIVE SQUARED LATIN CAPITAL LETTER G
            if plain.isalnum():
                character, enclosed = plain, True
            elif "LATIN" in unicodedata.name(character) and len(letter) == 1 and letter.isalpha():
                character, enclosed = letter.lower(), True
        if enclosed != enclosed_before:  # a run of enclosed letters is a word of its own: "coffee⒜0" is not "coffeea0"
            kept.append(" ")
        kept.append(character)
        enclosed_before = enclosed
    return "".join(kept)


def _separate_words(text):
    """Every character that is not a letter or digit (of any script) -> space; a combining mark is part of
    the word it follows (after a letter, digit or another such mark), else a space too (an emoji's
    variation selector, a mark at the start of the text)."""
    kept = []
    for character in text:
        if character.isalnum():
            kept.append(character)
        elif unicodedata.category(character)[0] == "M" and kept and kept[-1] != " ":
            kept.append(character)
        else:
            kept.append(" ")
    return "".join(kept)


def _fold_accents(text):
    """``café`` -> ``cafe`` (composed or decomposed): NFKD, drop the marks on ASCII letters, NFC.

    Letters without an ASCII form (``ß``, ``ø``) stay, and so do the marks of other scripts
    (Devanagari vowel signs, Thai tone marks), recomposed: those words are not cut or changed.
    """
    kept = []
    for character in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(character) and kept and kept[-1].isascii():
            continue
        kept.append(character)
    return unicodedata.normalize("NFC", "".join(kept))


def clean_review(text):
    """Clean one review with the course recipe, fixed for capitals, apostrophes, HTML and non-ASCII text.

    Steps, in order: strip HTML tags (a known tag name with ``name=value`` attributes only, see
    :data:`HTML_TAG`); decode entities, stripping the tags they write (``&lt;b&gt;``); remove URLs (:data:`URL`); read C1 controls as Windows-1252
    (:data:`CP1252_CONTROLS`); map apostrophe look-alikes (:data:`APOSTROPHE_LIKE`) to ``'``; make
    compatibility letters plain and drop invisible characters (:data:`IGNORABLE`, category Cf);
    read Cyrillic, Greek, Armenian and phonetic look-alikes in Latin words as Latin (:data:`LOOKALIKES`); lower-case; read a double quote inside a negation (``don"t``) as an apostrophe; expand contractions
    at the end of a word (won't, can't, ain't, shan't, n't, 're, 's, 'd, 'll, 't, 've, 'm); turn every
    character that is not a letter, digit or combining mark (of any script: emoji, punctuation,
    symbols) into a space; fold accents on Latin letters, composed or decomposed (``café`` -> ``cafe``;
    ``ß``, ``日本`` or ``हिन्दी`` stay as they are); drop tokens containing a digit (after the separation,
    so ``horrible(1/5)`` keeps ``horrible``); drop :data:`STOP_WORDS`.

    Cleaning version 3 (:data:`CLEANING_VERSION`). Version 1 removed URLs before tags (a link's
    ``href`` survived as a word), read any ``<...>`` as a tag (``I <3 this ... > love`` lost the
    words between), deleted non-ASCII characters instead of separating words at them
    (``love it😀great`` -> ``itgreat``), dropped a word glued to a number (``awful,5stars``) and
    missed some apostrophe look-alikes. Version 2 let an address run on over ``&nbsp;``, a comma,
    ``...`` or CJK punctuation into the next word, kept variation selectors on a word (``not\ufe0f``),
    and lost a negation written with ``„``, ``″`` or a raw ``\x92``; on the default sample the two give
    the same tokens for every review. A negation whose apostrophe was mistyped (``don.t``, ``do'nt``) is
    still lost; :func:`mistyped_negations` finds it.

    Args:
        text (str): raw review text, HTML allowed.

    Returns:
        str: space-separated lower-case tokens; ``""`` when nothing is left.

    Example:
        >>> clean_review("I DIDN\u2019T like it.<br />Won't buy 2 again!")
        'not like not buy'
    """
    return " ".join(word for word in _words(text) if word not in STOP_WORDS)


#: A change between Latin letters and Chinese, Japanese or Korean ones, which those languages write without a space
#: (``味はawfulでした``, ``great한국``): a word break.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\u1100-\u11ff\u3130-\u318f"
SCRIPT_CHANGE = re.compile(f"(?<=[A-Za-z\u00c0-\u024f])(?=[{_CJK}])|(?<=[{_CJK}])(?=[A-Za-z\u00c0-\u024f])")


def _words(text):
    """:func:`clean_review`'s tokens before the stop words are dropped (list of str)."""
    text = _expand_contractions(text)
    if text.isascii():
        text = NON_ALNUM.sub(" ", text)
    else:  # separate words first, so that folding can never join two of them
        text = SCRIPT_CHANGE.sub(" ", text)
        text = _separate_words(_fold_accents(_separate_words(text)))  # folding may reveal separators (½ -> 1⁄2)
    return DIGIT_TOKEN.sub(" ", text).split()


def _expand_contractions(text):
    """:func:`clean_review`'s steps up to the expansion of contractions (str, lower case, punctuation kept)."""
    if text[:3].lstrip()[:1] in ("b", "B", "u", "U"):  # a Python string's form: b'I don\xe2\x80\x99t like it'
        text = PYTHON_STRING.sub(r"\2", text)
    text = HTML_TAG.sub(_strip_tag, SCRIPT.sub(" ", ANSI_ESCAPE.sub("", TERMINAL_TITLE.sub(" ", IRC_FORMAT.sub(" ", text)))))
    for _ in range(5):  # until nothing changes: "&amp;#39;" and "&amp;amp;#39;" are escaped apostrophes too
        decoded = _decode_entities(text)
        if decoded == text:
            break
        text = HTML_TAG.sub(_strip_tag, SCRIPT.sub(" ", decoded))  # tags written as entities: "&lt;b&gt;great&lt;/b&gt;"
    if "[" in text:
        text = BBCODE.sub(lambda match: "" if match.group(1).lower() in BBCODE_INLINE else " ", text)
    text = URL.sub(" ", APOSTROPHE_ENTITY.sub("'", text.replace("\\/", "/")))  # after decoding: "&nbsp;" ends an
    # address; JSON's "http:\/\/x.com" is one
    if "\\" in text or "%" in text or "=" in text:
        decoded = LINE_ESCAPE.sub(" ", decode_escapes(text))
        decoded = PERCENT_SPACE.sub(" ", PERCENT_APOSTROPHE.sub("'", decoded))
        if decoded != text and ("<" in decoded or "&" in decoded):  # tags and entities written as escapes: "\u003cb\u003e"
            decoded = HTML_TAG.sub(_strip_tag, _decode_entities(HTML_TAG.sub(_strip_tag, decoded)))
        text = decoded
    if not text.isascii():
        text = MOJIBAKE_APOSTROPHE.sub("'", text.translate(CP1252_CONTROLS))
    text = text.translate(APOSTROPHES)
    if not text.isascii():
        text = URL.sub(" ", _compatibility_letters(MARK_AFTER_APOSTROPHE.sub("", text)))  # ｗｗｗ.x.com too
    if not text.isascii():
        text = _latin_lookalikes(text)
    text = text.lower()
    if not text.isascii():
        text = TRUNCATED_MOJIBAKE.sub("'", GARBLED_NEGATION.sub(r"\1't", text))
    text = SPACE_IN_NEGATION.sub(r"\1't", QUOTE_IN_NEGATION.sub("'", text))
    return CONTRACTION.sub(lambda match: CONTRACTIONS[match.group(0)], text)


def mistyped_negations(text):
    """Negations in a raw review that cleaning loses because their apostrophe was mistyped or misplaced.

    Cleaning does not repair these: doing so changes the tokens of 10 of the 17,871 reviews the recipe keeps from
    the default sample, hence the trained models; ``predict`` warns instead. Found: a word whose letters without
    its apostrophe spell a negation or a negation's stem (``do'nt``, ``d'ont``, ``might'nt``, ``don'``:
    :data:`APOSTROPHE_WORD`, :data:`NEGATION_WORDS`), a stem and a ``t`` split by other punctuation
    (``don.t``, ``isn;t``, ``don' t``: :data:`SPACE_IN_NEGATION` on the cleaned words), and a negation written
    without its apostrophe (``dont``, ``wasnt``: a word of its own in the vocabulary, learned from the reviews that
    spell it so, not read as ``not``; 334 of the 17,870 reviews the recipe keeps from the default sample hold one).

    Args:
        text (str): raw review text.

    Returns:
        list[str]: the negations as they should be written (``["don't"]`` for ``I don.t like it``); empty when
        there is none.
    """
    expanded, words = _expand_contractions(text), _words(text)
    stems = [NEGATION_WORDS.get(word.replace("'", "")) for word in APOSTROPHE_WORD.findall(expanded)]
    stems += SPACE_IN_NEGATION.findall(" ".join(words))
    stems += [NEGATION_WORDS[word] for word in words if word.endswith("t") and word in NEGATION_WORDS]
    return [f"{stem}'t" for stem in stems if stem]


def _invisible(character):
    """True for a character a reader does not see: a format character (category Cf: zero-width space, direction
    marks, joiners), :data:`IGNORABLE` (variation selectors), the object replacement character U+FFFC (what some
    chat programs leave for a pasted image) or a control character (a NUL byte; not tab, line ends or
    the C1 controls that cleaning reads as Windows-1252's quotes, such as U+0092 for ``’``; terminal codes are removed
    before), or a blank that fonts draw as nothing (the Hangul fillers, the Braille blank U+2800)."""
    category = unicodedata.category(character)
    return (category == "Cf" or bool(IGNORABLE.fullmatch(character)) or character in "\ufffc\u2800\u115f\u1160\u3164\uffa0"
            or (category == "Cc" and character not in "\t\n\r\x91\x92\x93\x94"))


def invisible_word_breaks(text):
    """Words that an invisible character splits or joins, as cleaning reads them, unlike what a reader sees.

    Cleaning reads a zero-width space, a direction mark, a variation selector between two Latin letters or a control
    character as a word break (``great\u200bcoffee`` is two words), which also splits a word it sits inside
    (``gre\u200bat`` -> ``gre at``, also written ``gre&#8203;at``); ``predict`` warns, since only the writer knows
    which was meant.

    Args:
        text (str): raw review text.

    Returns:
        list[tuple[str, str, str]]: ``(written, read, seen)`` for each such run of characters: the run with each
        invisible character shown as ``<U+200B>``, cleaning's words for it, and its words without the invisible
        characters (what a reader sees). Empty when there is none.
    """
    found = []
    text = ANSI_ESCAPE.sub("", decoded_text(text))
    for run in re.findall(r"(?:\S|[\x1c-\x1f])+", text):  # Python counts the separators U+001C-U+001F as white space
        if not any(_invisible(character) for character in run):
            continue
        visible = "".join(c for c in run if not _invisible(c))
        read, seen = " ".join(_words(run)), " ".join(_words(visible))
        if clean_review(run) != clean_review(visible) and seen:  # not when the model's tokens agree, or a reader sees no word
            written = "".join(f"<U+{ord(c):04X}>" if _invisible(c) else c for c in run)
            found.append((written, read, seen))
    return found


def lost_characters(text):
    """Words holding U+FFFD, the replacement character that marks a lost character (``aw&#xD800;ful``, an escape of
    no character, or ``aw\ufffdful`` from bytes that were not UTF-8); cleaning reads it as a word break.

    Args:
        text (str): raw review text.

    Returns:
        list[tuple[str, str]]: ``(written, read)``: the word with U+FFFD shown as ``<U+FFFD>``, and cleaning's words
        for it. Empty when there is none.
    """
    text = decoded_text(text)
    return [(run.replace("\ufffd", "<U+FFFD>"), " ".join(_words(run))) for run in re.findall(r"\S+", text)
            if "\ufffd" in run]


#: A word spelled letter by letter: three or more single letters, each followed by one space, hyphen, ``*`` or ``_``
#: (``c r a p``, ``a-w-f-u-l``), or four or more lower-case letters each followed by a dot (``a.w.f.u.l``); not
#: ``U.S.A.`` or ``e.g.`` (abbreviations).
SPELLED_OUT = re.compile(r"(?<![A-Za-z])(?:[A-Za-z][ *_-]){2,}[A-Za-z](?![A-Za-z])|(?<![A-Za-z.])(?:[a-z]\.){3,}[a-z](?![A-Za-z])")


def spelled_out_words(text):
    """Words spelled letter by letter (:data:`SPELLED_OUT`), which cleaning reads as single letters, not as the word.

    Args:
        text (str): raw review text.

    Returns:
        list[tuple[str, str]]: ``(written, word)``, such as ``("c r a p", "crap")``; empty when there is none.
    """
    return [(match.group(0), re.sub(r"[ *_.-]", "", match.group(0)).lower()) for match in SPELLED_OUT.finditer(text)]


def garbled_words(text):
    """Words garbled by a wrong text encoding (``cafÃ©`` for ``café``) that cleaning reads differently from their
    repair, found with ``ftfy.fix_encoding`` (the ftfy library's mojibake detection; cleaning itself repairs garbled
    apostrophes only, so the models' tokens stay as trained).

    Args:
        text (str): raw review text.

    Returns:
        list[tuple[str, str]]: ``(garbled, repaired)`` words, at most the first three; empty when there is none.
    """
    import ftfy

    repaired = ftfy.fix_encoding(text)
    if repaired == text or _words(repaired) == _words(text):
        return []
    pairs = [(old, new) for old, new in zip(text.split(), repaired.split()) if old != new]
    return pairs[:3]


def clean_texts(texts):
    """Apply :func:`clean_review` to a sequence of ``n`` reviews; returns a list of ``n`` str."""
    return [clean_review(text) for text in texts]


def filter_and_label(reviews):
    """Recipe step 1: drop neutral reviews (``Score == 3``) and add the polarity label.

    Args:
        reviews (pandas.DataFrame): Kaggle schema (:func:`afrlib.data.load_reviews`).

    Returns:
        pandas.DataFrame: the rows with ``Score != 3`` plus column ``label`` (``int8``:
        1 when ``Score > 3``, else 0).
    """
    kept = reviews[reviews["Score"] != 3].copy()
    kept["label"] = (kept["Score"] > 3).astype("int8")
    return kept


def deduplicate(reviews):
    """Recipe step 2: drop repeated reviews, keeping the first by ``(ProductId, Id)``.

    Amazon lists one review under every variant of a product, so the same
    ``(UserId, ProfileName, Time, Text)`` appears under several ``ProductId``.
    The course sorted with an unstable quicksort; a stable sort by ``(ProductId, Id)``
    makes the survivor of each group well defined.

    Returns:
        pandas.DataFrame: the surviving rows, in ``(ProductId, Id)`` order.
    """
    ordered = reviews.sort_values(["ProductId", "Id"], kind="stable")
    return ordered.drop_duplicates(subset=["UserId", "ProfileName", "Time", "Text"], keep="first")


def drop_helpfulness_anomalies(reviews):
    """Recipe step 3: drop rows whose helpful votes exceed all votes (2 rows in the full data)."""
    return reviews[reviews["HelpfulnessNumerator"] <= reviews["HelpfulnessDenominator"]]


def time_split(reviews, test_size=0.2):
    """Recipe step 5: order by ``(Time, Id)`` and put the newest ``test_size`` in test.

    Uses scikit-learn's ``train_test_split(shuffle=False)``: the test split has
    ``ceil(test_size * n)`` rows (72,835 of 364,171 on the full data).

    Returns:
        tuple[pandas.DataFrame, pandas.DataFrame]: (train, test), each in time order.
    """
    ordered = reviews.sort_values(["Time", "Id"], kind="stable")
    return train_test_split(ordered, test_size=test_size, shuffle=False)


def build_vocabulary(texts):
    """Recipe step 6: rank the words of the training texts by frequency.

    Args:
        texts: cleaned, space-separated texts of the training split only.

    Returns:
        dict[str, int]: word -> index, 1 for the most frequent word (ties broken
        alphabetically), 0 left for padding. ``input_dim`` of the embedding is
        ``len(vocabulary) + 1``.
    """
    counts = Counter(word for text in texts for word in text.split())
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return {word: index for index, (word, _) in enumerate(ranked, start=1)}


def encode(texts, vocabulary):
    """Turn cleaned texts into lists of vocabulary indices; unknown words are dropped.

    Returns:
        list[list[int]]: one list per text, indices in ``1..len(vocabulary)``.
    """
    return [[vocabulary[word] for word in text.split() if word in vocabulary] for text in texts]


def pad(sequences, maxlen=100):
    """Recipe step 7: pad with 0 / truncate at the front to ``maxlen``.

    The same array as Keras ``pad_sequences(sequences, maxlen, padding="pre", truncating="pre",
    dtype="int32")``, in NumPy, so preparing data does not import TensorFlow (about 6 s).

    Args:
        sequences: ``n`` lists of int token indices, any lengths (empty allowed).
        maxlen (int): columns of the result.

    Returns:
        numpy.ndarray: shape ``(n, maxlen)``, dtype ``int32``; row ``i`` ends with the last
        ``min(len(sequences[i]), maxlen)`` indices of ``sequences[i]``, zeros before them.
    """
    padded = np.zeros((len(sequences), maxlen), dtype=np.int32)
    for row, sequence in zip(padded, sequences):
        if len(sequence):
            kept = sequence[-maxlen:]
            row[maxlen - len(kept):] = kept
    return padded


@dataclass
class PreparedData:
    """The prepared split that every notebook trains and evaluates on.

    Arrays: ``x_train`` ``(n_train, maxlen)`` int32, ``y_train`` ``(n_train,)`` int8, and the
    same for test, rows in time order. ``text_train``/``text_test`` are the cleaned texts,
    ``ids_train``/``ids_test`` the Kaggle ``Id`` of each row. ``counts`` holds the rows left
    after every recipe step; ``manifest`` the source hash and parameters the split was built from.
    """

    x_train: np.ndarray
    x_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    text_train: list
    text_test: list
    ids_train: np.ndarray
    ids_test: np.ndarray
    vocabulary: dict
    counts: dict = field(default_factory=dict)
    manifest: dict = field(default_factory=dict)

    @property
    def input_dim(self):
        """Embedding ``input_dim``: vocabulary size + 1 (index 0 is padding)."""
        return len(self.vocabulary) + 1


def check_parameters(maxlen=100, sample_limit=None, test_size=0.2, seed=42):
    """Raise :class:`ParameterError` naming the parameter when one is out of range or of the wrong type."""
    check_whole_number("maxlen", maxlen, 1, MAX_MAXLEN, " (tokens per review; default 100)")
    if sample_limit is not None:
        check_whole_number("sample_limit", sample_limit, 1, hint=" or None for all reviews")
    check_fraction("test_size", test_size, " (default 0.2)")
    check_whole_number("seed", seed, 0, 2**32 - 1, " (default 42)")


def prepare(reviews, maxlen=100, sample_limit=None, seed=42, test_size=0.2, log=print):
    """Run the whole recipe on a loaded reviews table.

    Args:
        reviews (pandas.DataFrame): Kaggle schema, ``n_raw`` rows.
        maxlen (int): tokens kept per review after padding/truncation.
        sample_limit (int | None): keep a seeded random sample of at most this many reviews
            after step 3 (for quick runs); ``None`` keeps all.
        seed (int): seed of that sample.
        test_size (float): fraction of the newest reviews put in the test split.
        log: called with one progress line per step.

    Returns:
        PreparedData: arrays, texts, vocabulary and per-step counts.

    Raises:
        ParameterError: a parameter out of range.
        DataError: a split left with fewer than 2 reviews, or reviews of one polarity only.
    """
    check_parameters(maxlen, sample_limit, test_size, seed)
    counts = {"raw reviews": len(reviews),
              "rows sharing their Id with another row (kept)": int(reviews["Id"].duplicated(keep=False).sum())}
    step = filter_and_label(reviews)
    counts["Score != 3"] = len(step)
    step = deduplicate(step)
    counts["after de-duplication"] = len(step)
    step = drop_helpfulness_anomalies(step)
    counts["after helpfulness check"] = len(step)
    if sample_limit is not None and len(step) > sample_limit:
        step = step.sample(n=sample_limit, random_state=seed)
        counts["after sample_limit"] = len(step)
    log(f"Recipe steps 1-3 done: {len(step):,} reviews. Cleaning text...")
    started = time.perf_counter()
    step = step.assign(clean=clean_texts(step["Text"].tolist()))
    empty = step["clean"] == ""
    step = step[~empty]
    counts["dropped: empty after cleaning"] = int(empty.sum())
    counts["non-empty after cleaning"] = len(step)
    log(f"Cleaned {len(step) + int(empty.sum()):,} reviews in {time.perf_counter() - started:.1f} s "
        f"({int(empty.sum())} empty after cleaning, dropped).")
    if len(step) < 4:
        steps = ", ".join(f"{name}: {count:,}" for name, count in counts.items())
        raise DataError(f"Only {len(step)} review(s) are left after the recipe ({steps}); a train/test split "
                        "needs at least 4, with positive (4-5 star) and negative (1-2 star) reviews. Check that "
                        "the file holds such reviews, or raise sample_limit.")
    if step["label"].nunique() < 2:
        polarity = "positive (4-5 star)" if step["label"].iloc[0] == 1 else "negative (1-2 star)"
        raise DataError(f"All {len(step):,} reviews left after the recipe are {polarity}: a polarity model needs both "
                        "polarities, and more reviews of one would not help. Use a file that holds both.")
    train, test = time_split(step, test_size)
    counts["train"], counts["test"] = len(train), len(test)
    vocabulary = build_vocabulary(train["clean"])
    sequences_test = encode(test["clean"], vocabulary)
    counts["test reviews with no vocabulary word"] = sum(1 for s in sequences_test if not s)
    data = PreparedData(
        x_train=pad(encode(train["clean"], vocabulary), maxlen), x_test=pad(sequences_test, maxlen),
        y_train=train["label"].to_numpy("int8"), y_test=test["label"].to_numpy("int8"),
        text_train=train["clean"].tolist(), text_test=test["clean"].tolist(),
        ids_train=train["Id"].to_numpy("int64"), ids_test=test["Id"].to_numpy("int64"),
        vocabulary=vocabulary, counts=counts)
    log(f"Split: {len(train):,} train / {len(test):,} test reviews; vocabulary of {len(vocabulary):,} words.")
    return data


def split_code_files():
    """The modules whose code shapes the prepared split: this one (recipe, cleaning, vocabulary) and
    :mod:`afrlib.data` (loading and validation). Returns list[pathlib.Path]."""
    from afrlib import data

    return [Path(__file__), Path(data.__file__)]


def code_fingerprint(files=None):
    """SHA-256 (hex, 64 characters) over the contents of ``files`` (default :func:`split_code_files`), in order:
    the prepared split's cache key changes whenever any of that code changes."""
    digest = hashlib.sha256()
    for path in files or split_code_files():
        digest.update(file_sha256(path).encode())
    return digest.hexdigest()


def load_prepared(data_path, maxlen=100, sample_limit=None, seed=42, test_size=0.2,
                  cache_dir="data/processed", log=print):
    """Return the prepared split of ``data_path``, from the joblib cache when it is valid.

    The cache file is named after a hash of its manifest (the SHA-256 of the source file and of
    the code that shapes the split, :func:`code_fingerprint`, the parameters, :data:`CLEANING_VERSION`), so a changed source, recipe
    or parameter builds a new one. A cache that fails to load or whose manifest differs is rebuilt, never used.
    Writes are atomic (temporary file, then rename).

    Args:
        data_path: the reviews file (see :func:`afrlib.data.load_reviews`).
        maxlen, sample_limit, seed, test_size: as in :func:`prepare`.
        cache_dir: folder of the cache (``data/processed`` by default, ignored by git).
        log: called with progress lines.

    Returns:
        PreparedData: with ``manifest`` filled in and ``manifest["cache_file"]`` set.

    Raises:
        DataError, ParameterError: as :func:`afrlib.data.load_reviews` and :func:`prepare`.
    """
    check_parameters(maxlen, sample_limit, test_size, seed)
    if Path(cache_dir).exists() and not Path(cache_dir).is_dir():
        raise ParameterError(f"cache_dir={str(cache_dir)!r} is a file; give a folder (default data/processed).")
    path, _ = check_path(data_path)
    manifest = {"source_sha256": file_sha256(path), "code_sha256": code_fingerprint(), "maxlen": int(maxlen),
                "sample_limit": None if sample_limit is None else int(sample_limit), "seed": int(seed),
                "test_size": float(test_size), "cleaning_version": CLEANING_VERSION,
                "cache_format": CACHE_FORMAT}
    key = joblib.hash(json.dumps(manifest, sort_keys=True))[:16]
    cache_file = Path(cache_dir) / f"prepared-{key}.joblib"
    if cache_file.is_file():
        try:
            cached = joblib.load(cache_file)
            if isinstance(cached, PreparedData) and {k: cached.manifest.get(k) for k in manifest} == manifest:
                log(f"Loaded the prepared split from {cache_file}.")
                cached.manifest["source"] = str(data_path)  # the same content may have been prepared from another name
                return cached
            log(f"{cache_file} was built from other data or parameters: rebuilding it.")
        except Exception as exc:  # a corrupt or partial cache is rebuilt, never used
            log(f"{cache_file} could not be read ({type(exc).__name__}: {exc}): rebuilding it.")
    log(f"Preparing {data_path} (sha256 {manifest['source_sha256'][:12]}...)")
    data = prepare(load_reviews(path), maxlen, sample_limit, seed, test_size, log)
    data.manifest = {**manifest, "source": str(data_path), "cache_file": str(cache_file)}
    with atomic_path(cache_file) as temporary:
        joblib.dump(data, temporary)
    log(f"Saved the prepared split to {cache_file}.")
    return data
