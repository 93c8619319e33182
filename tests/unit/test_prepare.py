"""The course recipe: counts, cleaning, time split, vocabulary, padding, and the cache."""

from pathlib import Path

import joblib
import numpy as np
import pytest

from afrlib import prepare
from afrlib.data import load_reviews
from afrlib.errors import DataError, ParameterError

QUIET = {"log": lambda line: None}


@pytest.mark.parametrize("raw, cleaned", [
    ("I DIDN\u2019T like it.<br />Won't buy 2 again!", "not like not buy"),  # curly apostrophe, capitals
    ("It isn't bad", "not bad"),  # is -> stop word, the negation stays
    ("This is NOT good", "not good"),
    ("Can't stop, wouldn't recommend", "not stop would not recommend"),  # can: a stop word
    ("See http://amazon.com/x and www.example.org now", "see"),
    ("Tom &amp; Jerry <a href=\"x\">link</a> 100g 2for1 ok", "tom jerry link ok"),
    ("the a an of", ""),
    ("Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e", "cafe creme brulee"),
])
def test_clean_review(raw, cleaned):
    assert prepare.clean_review(raw) == cleaned


def test_negation_survives_every_apostrophe():
    for apostrophe in ("'", "\u2019", "\u2018", "\u02bc", "`"):
        assert "not" in prepare.clean_review(f"I didn{apostrophe}t enjoy it").split()


def test_a_lost_or_mis_decoded_apostrophe_keeps_the_negation():
    # UTF-8 read as Windows-1252 (and as Latin-1), the replacement character, a "?" left by a lossy conversion,
    # and a space: exports from other systems show all of them
    for written in ("didn\u00e2\u20ac\u2122t", "didn\u00e2\x80\x99t", "didn\ufffdt", "didn?t", "didn t", "DIDN T",
                    "didn\u00c3\u00a2\u00e2\u201a\u00ac\u00e2\u201e\u00a2t",  # garbled twice
                    "didn&amp;amp;#39;t", "didn&amp;amp;amp;#8217;t",  # escaped three and four times
                    "didn'\u0301t", "didn\u00b4\u0300t",  # an accent on the apostrophe
                    "didn\u00e2t", "didn\u00e2\u20act",  # garbled, its invisible characters dropped
                    "didn\u201a\u00c4\u00f4t", "didn\u0393\u00c7\u00d6t", "didn\u0432\u0402\u2122t",  # MacRoman, cp437, cp1251
                    "didn\u00c3\u00a2\u00c2\u0080\u00c2\u0099t", "didn\ufffd\ufffd\ufffdt"):  # Latin-1 twice; lost
        assert prepare.clean_review(f"I {written} like it") == "not like", written
    assert prepare.clean_review("urban t shirt, what?t") == "urban shirt"  # only the negation stems
    assert prepare.clean_review("see www.example.com.Horrible stuff") == "see horrible stuff"
    assert prepare.clean_review("www.Amazon.com/Gp is great") == "great"
    assert prepare.clean_review("http://x.com#Awful stuff") == "awful stuff"  # a fragment glued to a word
    assert prepare.clean_review("http://x.com/page#top great") == "great"
    assert prepare.clean_review("<a href=http://x.com/?a=b>Crunchy</a> awful") == "crunchy awful"  # unquoted, with =
    assert prepare.clean_review("This is \u0274\u1d0f\u1d1b good") == "not good"  # small capitals ("fancy text")
    assert prepare.clean_review("isn\u0384t good, not\u2063good, not\u180egood") == "not good not good not good"


def test_stop_words_keep_negations():
    assert {"no", "nor", "not"}.isdisjoint(prepare.STOP_WORDS)
    assert {"br", "the", "didn", "t"} <= prepare.STOP_WORDS


def test_recipe_counts(reviews_frame):
    data = prepare.prepare(reviews_frame, maxlen=10, **QUIET)
    assert data.counts == {
        "raw reviews": 16, "rows sharing their Id with another row (kept)": 0, "Score != 3": 14, "after de-duplication": 13, "after helpfulness check": 12,
        "dropped: empty after cleaning": 0, "non-empty after cleaning": 12, "train": 9, "test": 3,
        "test reviews with no vocabulary word": data.counts["test reviews with no vocabulary word"]}
    ids = set(data.ids_train) | set(data.ids_test)
    assert 14 in ids and 13 not in ids  # duplicate: the copy under the smaller ProductId survives
    assert 15 not in ids and 11 not in ids and 12 not in ids
    labels = dict(zip(np.r_[data.ids_train, data.ids_test], np.r_[data.y_train, data.y_test]))
    assert labels[1] == 1 and labels[7] == 0 and labels[16] == 0
    assert sum(labels.values()) == 7


def test_time_split_puts_newest_reviews_in_test(reviews_frame):
    data = prepare.prepare(reviews_frame, maxlen=10, **QUIET)
    times = reviews_frame.set_index("Id")["Time"]
    assert times[data.ids_train].max() <= times[data.ids_test].min()
    assert list(times[data.ids_train]) == sorted(times[data.ids_train])


def test_vocabulary_conventions(reviews_frame):
    data = prepare.prepare(reviews_frame, maxlen=12, **QUIET)
    indices = sorted(data.vocabulary.values())
    assert indices == list(range(1, len(indices) + 1))  # 0 is never a word
    for x in (data.x_train, data.x_test):
        assert x.dtype == np.int32 and x.shape[1] == 12
        assert x.min() >= 0 and x.max() < data.input_dim
    train_words = {w for text in data.text_train for w in text.split()}
    assert set(data.vocabulary) == train_words  # built from the training split only
    # padding is 'pre': every row's zeros come before its first word
    for row in data.x_train:
        nonzero = np.flatnonzero(row)
        assert (row[nonzero[0]:] != 0).all()


def test_vocabulary_is_ranked_by_frequency():
    vocabulary = prepare.build_vocabulary(["b a c a", "a b", "d"])
    assert vocabulary == {"a": 1, "b": 2, "c": 3, "d": 4}  # a x3, b x2, ties alphabetical
    assert prepare.encode(["a zzz d"], vocabulary) == [[1, 4]]  # unknown words dropped


def test_pad_truncates_and_pads_at_the_front():
    padded = prepare.pad([[1, 2, 3, 4], [5]], maxlen=3)
    assert padded.tolist() == [[2, 3, 4], [0, 0, 5]]


def test_reviews_empty_after_cleaning_are_dropped_and_counted(reviews_frame):
    frame = reviews_frame.copy()
    frame.loc[frame["Id"] == 2, "Text"] = "It is what it is, and that's that."  # only stop words
    data = prepare.prepare(frame, maxlen=10, **QUIET)
    assert data.counts["dropped: empty after cleaning"] == 1
    assert 2 not in set(data.ids_train) | set(data.ids_test)


def test_sample_limit_is_seeded(reviews_frame):
    a = prepare.prepare(reviews_frame, maxlen=5, sample_limit=8, seed=1, **QUIET)
    b = prepare.prepare(reviews_frame, maxlen=5, sample_limit=8, seed=1, **QUIET)
    assert a.counts["after sample_limit"] == 8
    assert (a.ids_train == b.ids_train).all() and (a.ids_test == b.ids_test).all()


@pytest.mark.parametrize("kwargs, name", [({"maxlen": 0}, "maxlen"), ({"sample_limit": 0}, "sample_limit"),
                                          ({"test_size": 1.0}, "test_size")])
def test_parameters_out_of_range_are_named(reviews_frame, kwargs, name):
    with pytest.raises(ParameterError, match=name):
        prepare.prepare(reviews_frame, **kwargs, **QUIET)


def test_too_few_reviews(reviews_frame):
    with pytest.raises(DataError, match=r"Only 2 review\(s\) are left"):
        prepare.prepare(reviews_frame, sample_limit=2, **QUIET)


def test_cache_is_used_rebuilt_on_change_and_never_used_when_corrupt(tmp_path, reviews_csv):
    lines = []
    cache = tmp_path / "cache"
    first = prepare.load_prepared(reviews_csv, maxlen=8, cache_dir=cache, log=lines.append)
    assert any(line.startswith("Saved") for line in lines)
    lines.clear()
    again = prepare.load_prepared(reviews_csv, maxlen=8, cache_dir=cache, log=lines.append)
    assert any(line.startswith("Loaded") for line in lines)
    assert (again.x_train == first.x_train).all()
    other = prepare.load_prepared(reviews_csv, maxlen=9, cache_dir=cache, log=lines.append)
    assert other.x_train.shape[1] == 9 and len(list(cache.glob("prepared-*.joblib"))) == 2
    # corrupt cache file: rebuilt, not used
    cache_file = cache / first.manifest["cache_file"].split("/")[-1]
    cache_file.write_bytes(b"garbage")
    lines.clear()
    rebuilt = prepare.load_prepared(reviews_csv, maxlen=8, cache_dir=cache, log=lines.append)
    assert any("could not be read" in line for line in lines)
    assert (rebuilt.x_train == first.x_train).all()
    # a cache whose manifest does not match (e.g. written by other code) is rebuilt
    stale = joblib.load(cache_file)
    stale.manifest["cleaning_version"] = -1
    joblib.dump(stale, cache_file)
    lines.clear()
    prepare.load_prepared(reviews_csv, maxlen=8, cache_dir=cache, log=lines.append)
    assert any("other data or parameters" in line for line in lines)
    # a changed source file gets its own cache
    frame = load_reviews(reviews_csv)
    frame.loc[0, "Text"] = "Completely different words here"
    frame.to_csv(reviews_csv, index=False)
    changed = prepare.load_prepared(reviews_csv, maxlen=8, cache_dir=cache, log=lines.append)
    assert changed.manifest["source_sha256"] != first.manifest["source_sha256"]
    assert not list(cache.glob(".*tmp"))  # no temporary files left behind


def test_real_sample_counts(shared_sample):
    data = prepare.prepare(load_reviews(shared_sample), **QUIET)
    assert data.counts["Score != 3"] == 18_813  # PROVENANCE.md
    assert data.counts["train"] + data.counts["test"] == data.counts["non-empty after cleaning"]
    assert data.counts["test"] == int(np.ceil(0.2 * data.counts["non-empty after cleaning"]))


def test_very_long_reviews_keep_their_last_maxlen_words(reviews_frame):
    frame = reviews_frame.copy()
    frame.loc[frame["Id"] == 1, "Text"] = " ".join(["coffee"] * 5000 + ["great", "price"])
    data = prepare.prepare(frame, maxlen=10, **QUIET)
    row = data.x_train[list(data.ids_train).index(1)]
    vocabulary = data.vocabulary
    assert row.tolist() == [vocabulary["coffee"]] * 8 + [vocabulary["great"], vocabulary["price"]]


def test_duplicate_ids_are_counted_and_kept(reviews_frame):
    frame = reviews_frame.copy()
    frame.loc[frame["Id"] == 2, "Id"] = 1  # two different reviews now share Id 1
    data = prepare.prepare(frame, maxlen=10, **QUIET)
    assert data.counts["rows sharing their Id with another row (kept)"] == 2
    assert list(np.r_[data.ids_train, data.ids_test]).count(1) == 2


def test_angle_brackets_that_are_not_tags():
    assert prepare.clean_review("love it <3 <b>great</b> a<b") == "love great b"


@pytest.mark.parametrize("kwargs, name", [
    ({"maxlen": True}, "maxlen"), ({"maxlen": 10**12}, "maxlen"), ({"maxlen": 1.5}, "maxlen"),
    ({"sample_limit": True}, "sample_limit"), ({"test_size": "0.2"}, "test_size"), ({"seed": None}, "seed"),
    ({"seed": 1.5}, "seed"),
])
def test_parameter_types_are_checked(reviews_csv, tmp_path, kwargs, name):
    with pytest.raises(ParameterError, match=f"^{name}="):
        prepare.load_prepared(reviews_csv, cache_dir=tmp_path, **{"log": lambda line: None, **kwargs})


def test_a_file_as_cache_dir_is_refused_before_preparing(reviews_csv, tmp_path):
    (tmp_path / "cache").write_text("x")
    with pytest.raises(ParameterError, match="cache_dir"):
        prepare.load_prepared(reviews_csv, cache_dir=tmp_path / "cache", log=lambda line: None)


def test_too_few_reviews_says_which_step_emptied_the_file(reviews_frame):
    with pytest.raises(DataError, match=r"Score != 3: 0.*positive \(4-5 star\) and negative"):
        prepare.prepare(reviews_frame.assign(Score=3), **QUIET)


def test_reviews_of_one_polarity_are_refused_before_the_split(reviews_frame):
    with pytest.raises(DataError, match=r"are positive \(4-5 star\): a polarity model needs both"):
        prepare.prepare(reviews_frame.assign(Score=5), **QUIET)


def test_a_change_to_the_loader_rebuilds_the_cache(tmp_path, reviews_csv, monkeypatch):
    import shutil

    from afrlib import data as data_module

    assert {path.name for path in prepare.split_code_files()} == {"prepare.py", "data.py"}
    loader = tmp_path / "data.py"
    shutil.copy(data_module.__file__, loader)
    monkeypatch.setattr(prepare, "split_code_files", lambda: [Path(prepare.__file__), loader])
    lines = []
    prepare.load_prepared(reviews_csv, maxlen=8, cache_dir=tmp_path / "cache", log=lines.append)
    prepare.load_prepared(reviews_csv, maxlen=8, cache_dir=tmp_path / "cache", log=lines.append)
    assert lines[-1].startswith("Loaded")
    loader.write_text(loader.read_text() + "\n# a changed loader\n")
    prepare.load_prepared(reviews_csv, maxlen=8, cache_dir=tmp_path / "cache", log=lines.append)
    assert lines[-1].startswith("Saved") and len(list((tmp_path / "cache").glob("prepared-*.joblib"))) == 2


@pytest.mark.parametrize("raw, cleaned", [
    ("the coffee\u00e2s taste is terrible", "coffee taste terrible"),  # what a garbled ’ leaves before 's
    ("terrible\u00bdcoffee", "terrible coffee"), ("terrible \u2162coffee", "terrible coffee"),  # ½, Roman numeral
    ("terrible\u200fcoffee", "terrible coffee"), ("terrible\u202ecoffee\u202c", "terrible coffee"),  # direction
    ("terrible\u2062coffee", "terrible coffee"),  # invisible times
    ("terrible \x1b[31mcoffee\x1b[0m", "terrible coffee"),  # terminal colour codes
    ("I mightn t like it", "might not like"),
    ("p\u00e2te ch\u00e2teau \u4e00\u4e2a", "pate chateau \u4e00\u4e2a"),  # letters with â and CJK numerals stay
    ("Awful \uff28\uff34\uff34\uff30\uff33://\uff37\uff37\uff37.\uff27\uff32\uff25\uff21\uff34.com taste", "awful taste"),  # full width
    ("see http://\uff58.com awful", "see awful"), ("awfulwww.x.com taste", "awful taste"),  # glued to the word before
    ("Ewww.Gross", "ewww gross"), ("see http://x.com\\awful", "see awful"), ("see ftp://x.com awful", "see awful"),
    ("I don&rsquot like it", "not like"), ("Awful\u3164taste,\u3164stale", "awful taste stale"),  # Hangul filler
    ("Rating 5\ufe0f\u20e3stars, 1\ufe0f\u20e3great", "rating stars great"),  # keycap emoji
    ("Visit \uff48\uff54\uff54\uff50\uff53\uff1a\uff0f\uff0fx\uff0ecom great", "visit great"),  # full-width : / .
    ("gre\x1b[0mat coffee", "great coffee"), ("great\x1b]0;title\x07coffee", "great coffee"),  # terminal codes
    ("great\ufeffcoffee", "great coffee"), ("great\u2061coffee", "great coffee"), ("great&nbspcoffee", "great coffee"),
    ("\U0001f176\U0001f181\U0001f174\U0001f170\U0001f183 coffee", "great coffee"),  # negative squared letters
    ("&lt;b&gt;great&lt;/b&gt; coffee", "great coffee"), ("&amp;lt;i&amp;gt;nice&amp;lt;/i&amp;gt; tea", "nice tea"),
    ("&lt;a href=&quot;http://x.com/a&quot;&gt;Crunchy&lt;/a&gt; chips", "crunchy chips"),  # tags as entities
    ("&lt;3 this coffee &lt; tea &gt; love", "coffee tea love"),  # an escaped '<' that starts no tag stays text
    ("c\u043effee is gre\u0430t, \u0421\u041e\u0424\u0424\u0415\u0415 \u043a\u043e\u0444\u0435", "coffee great \u0441\u043e\u0444\u0444\u0435\u0435 \u043a\u043e\u0444\u0435"),
    ("I d\u043en't like \u03bfld tea", "not like old tea"),  # Cyrillic and Greek look-alikes in Latin words
    ("\u039d\u039f\u03a4 good, \u0455\u0435\u0435 it", "not good see"),  # look-alikes only, no other Greek/Cyrillic
    ("great\u034fcoffee", "great coffee"), ("great\ufe0fcoffee", "great coffee"),  # joiner, variation selector
    ("coffee\u24d6\u24de\u24de\u24d3tea, bitter\u249c0", "coffee good tea bitter"),  # enclosed letters: words of their own
    ("see http://x.com/caf\u00e9/cr\u00e8me awful", "see awful"), ("see www.amazon.de/R\u00f6stung/dp/B00 great", "see great"),
    ("see https://www.amazon.co.jp/\u5546\u54c1/dp awful", "see awful"),  # other letters in an address's path go with it
    ("see www.x.com\u5f88\u597d", "see \u5f88\u597d"), ("got your www. address", "got www address"),  # not in its host
    ("aw<b>ful</b> coffee, dis<span class=x>gusting</span> aw<!-- -->ful", "awful coffee disgusting awful"),  # inline tags
    ("16 oz<a href=\"http://x.com\">Pico</a> taste<br>good", "oz pico taste good"),  # a link or a break separates
    ("I hated it.www.x.com", "hated"), ("I don\\u2019t like it", "not like"), ("I don%27t like it", "not like"),
    ("Great product!\\nnot worth it, awful\\tCoffee", "great product not worth awful coffee"),  # exported \n, \t
    ("Great%20taste, Not%20good", "great taste not good"),  # URL-encoded spaces
    ("\u0261ood \u0251wful g\u0585\u0585d na\u0131ve", "good awful good naive"),  # phonetic and Armenian look-alikes
    ("\u5473\u306fawful\u3067\u3057\u305f great\ud55c\uad6d", "\u5473\u306f awful \u3067\u3057\u305f great \ud55c\uad6d"),  # Latin beside CJK
    ("I don\\x92t like it, it isn\\x27t good", "not like not good"),  # byte escapes: Windows-1252, ASCII
    ("I don\\xe2\\x80\\x99t like it, caf\\xc3\\xa9", "not like cafe"),  # UTF-8 bytes, as Python prints them
    ("I don\\342\\200\\231t like it, isn\\047t good", "not like not good"),  # octal, as git and ls print them
    ("I don=E2=80=99t like it", "not like"),  # e-mail's quoted-printable
    ("I don\\U00002019t like, isn\\x2019t good, didn\\u{2019}t", "not like not good not"),  # other code-point escapes
    ("\\u0041wful \\ud83d\\ude00great \\ud83dtea", "awful great tea"),  # JSON surrogates: a pair, a lone one
    ("=FF=FE bad =3D", "ff fe bad"),  # not quoted-printable UTF-8: left as written
    ("I don%u2019t like, isn\\x{2019}t good, DIDN\\U2019T", "not like not good not"),  # JavaScript, Perl, upper-cased
    ("I don=92t like it, isn=27t good", "not like not good"),  # one quoted-printable byte between letters
    ("I don\\'92t like it, \\'93great\\'94", "not like great"),  # RTF's byte escapes
    ("[b]aw[/b]ful [url=http://x.com/a]stale[/url][quote]tea[/quote]", "awful stale tea"),  # forum markup (BBCode)
    ("stale<o:p></o:p>tea<w:br/>awful, <st1:place w:st=\"on\">Pa</st1:place>ris", "stale tea awful paris"),  # Word's tags
    ("cardboard\\r\\nNever.\\\\r\\\\nWould%0D%0Abuy", "cardboard never would buy"),  # \r\n written out, escaped twice, URL
    ("^[[31mawful^[[0m \x0304stale\x03 tea", "awful stale tea"),  # colour codes: caret notation, chat (IRC)
    ("b'I don\\xe2\\x80\\x99t like it'", "not like"), ("u\"great stuff\"", "great stuff"),  # a Python string
    ("worst cof=\nfee, see http:\\/\\/www.x.com\\/dp\\/B00X awful", "worst coffee see awful"),  # QP soft break, JSON's \/
    ("<![CDATA[awful]]>tea", "awful tea"),  # a CDATA section's markers separate
    ("It's \\u003cem\\u003eawful\\u003c/em\\u003e \\x3cb\\x3estale\\x3c/b\\x3e", "awful stale"),  # tags written as escapes
    ("%3Cb%3Eawful%3C/b%3E =3Ci=3Estale=3C/i=3E, Tom \\u0026amp; Jerry", "awful stale tom jerry"),  # URL, e-mail, entities
    ("I don\\\\xe2\\\\x80\\\\x99t like, isn\\\\342\\\\200\\\\231t good", "not like not good"),  # escaped twice
])
def test_symbols_and_garbling_between_words(raw, cleaned):
    assert prepare.clean_review(raw) == cleaned
