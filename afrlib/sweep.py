"""Seed-to-seed spread: the depth notebooks and the baseline run once per seed (``make sweep``).

Each run goes to ``<sweep_dir>/seed_<seed>/``: the executed notebook (``<name>.ipynb``), its metrics
JSON and test scores (``metrics/<name>.json``, ``metrics/<name>.scores.npz``). Trained models go to
``models/sweep/seed_<seed>/`` and figures to ``build/sweep/`` (both ignored by git). A run whose
metrics and scores exist, were computed from the same data file and record the same parameters is
not rerun, so an interrupted sweep continues where it stopped and adding a seed runs only that seed.
"""

from pathlib import Path

import numpy as np
import pandas as pd

from afrlib.errors import ParameterError, check_whole_number
from afrlib.metrics import HEADLINE_METRICS, read_metrics, read_scores, scores_path

SWEEP_NOTEBOOKS = ("lstm_1_layer", "lstm_2_layer", "lstm_3_layer", "baseline")
DEFAULT_SEEDS = (1, 2, 3, 4, 5)


def parse_seeds(text):
    """Seeds from ``"1 2 3"`` (spaces or commas) -> ``[1, 2, 3]``.

    Raises:
        ParameterError: empty, a value that is not a whole number 0 .. 2**32 - 1, or a repeated seed.
    """
    items = str(text).replace(",", " ").split()
    if not items:
        raise ParameterError("SEEDS is empty: give seeds as whole numbers, e.g. SEEDS=\"1 2 3 4 5\".")
    seeds = []
    for item in items:
        if not item.isdigit():
            raise ParameterError(f"SEEDS: {item!r} is not a whole number >= 0 (e.g. SEEDS=\"1 2 3 4 5\").")
        check_whole_number("seed", int(item), 0, 2**32 - 1)
        seeds.append(int(item))
    if len(set(seeds)) != len(seeds):
        raise ParameterError(f"SEEDS={text!r} repeats a seed; each seed runs once.")
    return seeds


def planned_runs(seeds, sweep_dir, data_path, parameters=None, notebooks=SWEEP_NOTEBOOKS):
    """Every (seed, notebook) run of a sweep with its output paths and papermill parameters.

    Args:
        seeds (list[int]); sweep_dir: output folder (``reports/sweep``); data_path: reviews file;
        parameters (dict): extra notebook parameters for every run (e.g. ``{"epochs": 5}``);
        notebooks: names under ``notebooks/``.

    Returns:
        list[dict]: ``seed``, ``name``, ``source``, ``output``, ``metrics_path`` and ``parameters``.
    """
    runs = []
    for seed in seeds:
        folder = Path(sweep_dir) / f"seed_{seed}"
        for name in notebooks:
            metrics_path = folder / "metrics" / f"{name}.json"
            values = {**(parameters or {}), "data_path": str(data_path), "seed": seed,
                      "metrics_path": str(metrics_path), "figures_dir": f"build/sweep/seed_{seed}/figures"}
            if name != "baseline":
                values["model_dir"] = f"models/sweep/seed_{seed}/{name}"
            runs.append({"seed": seed, "name": name, "source": f"notebooks/{name}.ipynb",
                         "output": str(folder / f"{name}.ipynb"), "metrics_path": str(metrics_path),
                         "parameters": values})
    return runs


def is_finished(run, source_sha256):
    """Whether ``run`` (from :func:`planned_runs`) already has its results for this data and parameters.

    True when its metrics JSON and scores exist, the JSON records ``source_sha256`` as its data file,
    and every parameter of the run that the notebook records (all but the output paths) equals the
    recorded one; a parameter the notebook does not record (``epochs`` for the baseline) does not
    change its result.
    """
    path = Path(run["metrics_path"])
    if not path.is_file() or not scores_path(path).is_file():
        return False
    try:
        record = read_metrics([path])[0]
    except Exception:  # unreadable: run it again
        return False
    recorded = record.get("parameters", {})
    compared = {k: v for k, v in run["parameters"].items() if k not in ("metrics_path", "figures_dir", "model_dir")}
    return (record.get("data", {}).get("source_sha256") == source_sha256 and recorded.get("seed") == run["seed"]
            and all(recorded[k] == v for k, v in compared.items() if k in recorded))


def run_sweep(seeds, sweep_dir, data_path, parameters=None, notebooks=SWEEP_NOTEBOOKS, execute=None, log=print):
    """Run every unfinished (seed, notebook) of a sweep, in seed order.

    Args:
        seeds, sweep_dir, data_path, parameters, notebooks: as in :func:`planned_runs`.
        execute: ``execute(source, output, parameters)``; default :func:`afrlib.runner.run_notebook`
            without HTML.
        log: called with one line per run.

    Returns:
        list[dict]: the runs that were executed (the others were finished already).

    Raises:
        DataError: ``data_path`` is not a readable file; NotebookFailed: a run failed (the
            finished ones stay, rerunning continues from the failed one).
    """
    from afrlib.data import check_path
    from afrlib.prepare import file_sha256

    path, _ = check_path(data_path)
    source_sha256 = file_sha256(path)
    if execute is None:
        from afrlib.runner import run_notebook

        def execute(source, output, values):
            run_notebook(source, output, values, html=False)
    executed = []
    runs = planned_runs(seeds, sweep_dir, data_path, parameters, notebooks)
    for number, run in enumerate(runs, start=1):
        if is_finished(run, source_sha256):
            log(f"[{number}/{len(runs)}] seed {run['seed']}, {run['name']}: finished earlier, kept.")
            continue
        log(f"[{number}/{len(runs)}] seed {run['seed']}, {run['name']}: running.")
        execute(run["source"], run["output"], run["parameters"])
        executed.append(run)
    return executed


def load_sweep(sweep_dir, seeds, notebooks=SWEEP_NOTEBOOKS):
    """The metrics records and test scores of a finished sweep.

    Returns:
        tuple[dict, dict, numpy.ndarray]: model label -> list of records (seed order), model label ->
        list of ``(n_test,)`` probabilities, and the ``(n_test,)`` test labels (the same for every run).

    Raises:
        FileNotFoundError: a run is missing (run ``make sweep``); DataError: runs on different data.
        ParameterError: runs whose test labels differ (another split).
    """
    records, scores, labels = {}, {}, None
    for name in notebooks:
        paths = [Path(sweep_dir) / f"seed_{seed}" / "metrics" / f"{name}.json" for seed in seeds]
        runs = read_metrics(paths)
        label = runs[0]["model"]
        records[label] = runs
        scores[label] = []
        for path in paths:
            y_true, probability = read_scores(path)
            if labels is None:
                labels = y_true
            elif not np.array_equal(labels, y_true):
                raise ParameterError(f"{path}: its test labels differ from the other runs' (another split or "
                                     "sample_limit); delete the sweep folder and run make sweep again.")
            scores[label].append(probability)
    return records, scores, labels


def spread_table(records):
    """Mean, standard deviation and range over seeds of each model's headline test metrics.

    Args:
        records (dict): model label -> list of metrics records (see :func:`load_sweep`).

    Returns:
        pandas.DataFrame: one row per model and metric: ``model``, ``metric`` (readable name),
        ``seeds``, ``mean``, ``sd`` (sample standard deviation, ddof=1; 0 for one seed), ``min``, ``max``.
    """
    rows = []
    for model, runs in records.items():
        for key, label in HEADLINE_METRICS.items():
            values = np.array([run["test"]["intervals"][key]["value"] for run in runs])
            rows.append({"model": model, "metric": label, "seeds": len(values), "mean": values.mean(),
                         "sd": values.std(ddof=1) if len(values) > 1 else 0.0,
                         "min": values.min(), "max": values.max()})
    return pd.DataFrame(rows)
