"""How many reviews a change of the text cleaning affects: the committed cleaner against an older one.

Usage: python bench/cleaning_change.py OLD_REVISION [DATA]
  OLD_REVISION: a git revision whose afrlib/prepare.py holds the old cleaner (e.g. 3e1eb2f, version 1)
  DATA: a reviews file (default: the committed sample)
Prints the number of reviews whose tokens differ, among all rows and among those the recipe keeps,
and the words most often lost and gained.
"""

import importlib.util
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from afrlib import prepare
from afrlib.data import load_reviews


def old_cleaner(revision):
    source = subprocess.run(["git", "show", f"{revision}:afrlib/prepare.py"], capture_output=True, text=True,
                            check=True).stdout
    path = Path(tempfile.mkdtemp()) / "prepare_old.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("prepare_old", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    revision = sys.argv[1]
    data = sys.argv[2] if len(sys.argv) > 2 else "data/sample/Reviews_sample.csv.gz"
    old = old_cleaner(revision)
    reviews = load_reviews(data)
    kept = prepare.deduplicate(prepare.filter_and_label(reviews))
    for name, frame in (("all rows", reviews), ("rows kept by the recipe (Score != 3, de-duplicated)", kept)):
        before = [old.clean_review(text) for text in frame["Text"]]
        after = [prepare.clean_review(text) for text in frame["Text"]]
        changed = [i for i, (a, b) in enumerate(zip(before, after)) if a != b]
        print(f"{name}: {len(changed):,} of {len(frame):,} reviews change tokens "
              f"(cleaning version {old.CLEANING_VERSION} -> {prepare.CLEANING_VERSION})")
    lost, gained = Counter(), Counter()
    for i in changed:
        a, b = Counter(before[i].split()), Counter(after[i].split())
        lost.update(a - b)
        gained.update(b - a)
    print("most often lost:", ", ".join(f"{w} {n}" for w, n in lost.most_common(10)))
    print("most often gained:", ", ".join(f"{w} {n}" for w, n in gained.most_common(10)))


if __name__ == "__main__":
    main()
