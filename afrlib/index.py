"""``reports/index.html``: one page linking every rendered report with its headline numbers.

Written by ``make reports`` and ``make sweep`` (``python -m afrlib index reports``) from the reports and
metrics JSON present at that moment; nothing in it is typed by hand.
"""

import html
import json
from pathlib import Path

from afrlib.errors import AfrError

from afrlib.paths import atomic_path

#: Reports in reading order: (stem, what it is).
REPORTS = [
    ("data_preparation", "the recipe's counts, review lengths, vocabulary"),
    ("lstm_1_layer", "Embedding -> LSTM(100) -> Dense"),
    ("lstm_2_layer", "two stacked LSTMs with dropout"),
    ("lstm_3_layer", "three stacked LSTMs with dropout and BatchNorm"),
    ("baseline", "TF-IDF 1-2-grams + logistic regression"),
    ("error_analysis", "metrics by slice, calibration, confident mistakes explained word by word"),
    ("summary", "all models side by side, with the conclusion"),
    ("sweep", "seed-to-seed spread and paired comparisons (make sweep)"),
]


def _headline(metrics_path):
    """``accuracy / ROC-AUC / negative F1`` of a model's metrics JSON, else ``""``."""
    try:
        record = json.loads(Path(metrics_path).read_text(encoding="utf-8"))
        test = record["test"]
        return (f"accuracy {test['accuracy']:.4f} (floor {test['majority_accuracy']:.4f}), ROC-AUC "
                f"{test['roc_auc']:.4f}, negative F1 {test['per_class']['negative']['f1']:.4f}")
    except (OSError, ValueError, KeyError, TypeError):
        return ""


def write_index(reports_dir="reports"):
    """Write ``<reports_dir>/index.html`` listing the HTML reports that exist, with headline numbers.

    Args:
        reports_dir: folder of the rendered reports and of ``metrics/``.

    Returns:
        pathlib.Path: the index file.

    Raises:
        AfrError: ``reports_dir`` is not a folder holding a rendered report (a mistyped name).
    """
    from afrlib.runner import report_title

    import nbformat

    reports_dir = Path(reports_dir)
    if not any((reports_dir / f"{stem}.html").is_file() for stem, _ in REPORTS):
        raise AfrError(f"{reports_dir} holds none of the rendered reports ({', '.join(s + '.html' for s, _ in REPORTS)}); "
                       "give the folder that make reports wrote (reports).")
    rows = []
    for stem, what in REPORTS:
        page = reports_dir / f"{stem}.html"
        if not page.is_file():  # said, so a missing report is not mistaken for one that was never part of the set
            rows.append(f"<tr><td>{html.escape(stem)}</td><td>{html.escape(what)}</td><td>not rendered here: run "
                        f"{'make sweep' if stem == 'sweep' else 'make reports'}</td></tr>")
            continue
        notebook = reports_dir / f"{stem}.ipynb"
        title = report_title(nbformat.read(str(notebook), as_version=4)) if notebook.is_file() else None
        numbers = _headline(reports_dir / "metrics" / f"{stem}.json")
        rows.append(f'<tr><td><a href="{html.escape(page.name)}">{html.escape(title or stem)}</a></td>'
                    f"<td>{html.escape(what)}</td><td>{html.escape(numbers)}</td></tr>")
    body = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>afr-lstm reports</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:75em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:.4em .7em;text-align:left}}th{{background:#f3f3f3}}</style></head>
<body><h1>afr-lstm reports</h1>
<p>Polarity of Amazon Fine Food Reviews with Keras LSTMs of depth 1, 2 and 3 and a linear baseline.
Numbers are on the test split (the newest 20 % of the reviews); the floor is the accuracy of always
answering positive.</p>
<table><tr><th>Report</th><th>What it holds</th><th>Test metrics</th></tr>
{chr(10).join(rows)}
</table></body></html>
"""
    path = reports_dir / "index.html"
    with atomic_path(path) as temporary:
        temporary.write_text(body, encoding="utf-8")
    return path
