"""Seed-to-seed spread: the depth notebooks and the baseline run once per seed (``make sweep``).

Each run goes to ``<sweep_dir>/seed_<seed>/``: the executed notebook (``<name>.ipynb``), its metrics
JSON and test scores (``metrics/<name>.json``, ``metrics/<name>.scores.npz``) and the manifest of
what it ran (``metrics/<name>.run.json``: parameters, notebook and data SHA-256). Trained models go to
``models/sweep/seed_<seed>/`` and figures to ``build/sweep/`` (both ignored by git); with another ``sweep_dir``, to its
``models/`` and ``figures/``, so a trial sweep leaves ``make sweep``'s models alone. A run whose
outputs exist and whose manifest equals the one it would run now is kept, so an interrupted sweep
continues where it stopped and adding a seed runs only that seed; any other change of parameters,
notebook or data file reruns it. A change of ``afrlib`` code is not detected: delete the sweep folder.
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd

from afrlib.errors import ParameterError, check_whole_number
from afrlib.metrics import HEADLINE_METRICS, read_metrics, read_scores, scores_path, write_json

SWEEP_NOTEBOOKS = ("lstm_1_layer", "lstm_2_layer", "lstm_3_layer", "baseline")
DEFAULT_SEEDS = (1, 2, 3, 4, 5)


def parse_seeds(text):
    """Seeds from ``"1 2 3"`` (spaces or commas) -> ``[1, 2, 3]``.

    Raises:
        ParameterError: empty, a value that is not a whole number 0 .. 2**32 - 1, or a repeated seed.
    """
    items = str(text).replace(",", " ").split()
    if not items:
        raise ParameterError("No seeds given: list whole numbers, e.g. \"1 2 3 4 5\".")
    seeds = []
    for item in items:
        if not (item.isascii() and item.isdigit()):
            raise ParameterError(f"seeds: {item!r} is not a whole number >= 0 (e.g. \"1 2 3 4 5\").")
        check_whole_number("seed", int(item), 0, 2**32 - 1)
        seeds.append(int(item))
    if len(set(seeds)) != len(seeds):
        raise ParameterError(f"seeds {text!r} repeat a seed; each seed runs once.")
    return seeds


def planned_runs(seeds, sweep_dir, data_path, parameters=None, notebooks=SWEEP_NOTEBOOKS):
    """Every (seed, notebook) run of a sweep with its output paths and papermill parameters.

    Args:
        seeds (list[int]); sweep_dir: output folder (``reports/sweep``); data_path: reviews file;
        parameters (dict): extra notebook parameters (e.g. ``{"epochs": 5}``), each given to the runs
            whose notebook has it (the baseline has no ``epochs``);
        notebooks: names under ``notebooks/``.

    Returns:
        list[dict]: ``seed``, ``name``, ``source``, ``output``, ``metrics_path`` and ``parameters``.
    """
    from afrlib.runner import notebook_parameters

    own = {name: notebook_parameters(f"notebooks/{name}.ipynb") for name in notebooks}
    default = Path(sweep_dir) == Path("reports/sweep")  # else models and figures go inside sweep_dir, not over make sweep's
    models, figures = (Path("models/sweep"), Path("build/sweep")) if default else (Path(sweep_dir) / "models",
                                                                                     Path(sweep_dir) / "figures")
    runs = []
    for seed in seeds:
        folder = Path(sweep_dir) / f"seed_{seed}"
        for name in notebooks:
            metrics_path = folder / "metrics" / f"{name}.json"
            extra = {key: value for key, value in (parameters or {}).items() if key in own[name]}
            values = {**extra, "data_path": str(data_path), "seed": seed,
                      "metrics_path": str(metrics_path), "figures_dir": str(figures / f"seed_{seed}" / "figures")}
            if name != "baseline":
                values["model_dir"] = str(models / f"seed_{seed}" / name)
            runs.append({"seed": seed, "name": name, "source": f"notebooks/{name}.ipynb",
                         "output": str(folder / f"{name}.ipynb"), "metrics_path": str(metrics_path),
                         "parameters": values})
    return runs


def manifest_path(run):
    """The manifest :func:`run_sweep` writes after a run succeeded: ``<metrics>.run.json``."""
    path = Path(run["metrics_path"])
    return path.with_name(path.stem + ".run.json")


def afrlib_sha256():
    """SHA-256 (hex) over the source of every ``afrlib`` module, in name order: the code a run executes."""
    import hashlib

    from afrlib.prepare import file_sha256

    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + file_sha256(path).encode())
    return digest.hexdigest()


def run_manifest(run, source_sha256):
    """What a run depends on: its parameters, the SHA-256 of its notebook source, of the data file and
    of the afrlib code (:func:`afrlib_sha256`), so a change to any of them reruns it."""
    from afrlib.prepare import file_sha256

    return {"parameters": run["parameters"], "notebook_sha256": file_sha256(run["source"]),
            "data_sha256": source_sha256, "afrlib_sha256": afrlib_sha256()}


def is_finished(run, source_sha256):
    """Whether ``run`` (from :func:`planned_runs`) already has its results for this data, notebook and parameters.

    True when its executed notebook, metrics JSON and scores exist and its manifest equals
    :func:`run_manifest`: a parameter added, removed or changed, an edited notebook (its defaults
    included), another data file or changed afrlib code all rerun it.
    """
    files = [Path(run["output"]), Path(run["metrics_path"]), scores_path(run["metrics_path"]), manifest_path(run)]
    if not all(path.is_file() for path in files):
        return False
    try:
        return json.loads(manifest_path(run).read_text()) == json.loads(json.dumps(run_manifest(run, source_sha256)))
    except ValueError:  # unreadable manifest: run it again
        return False


def run_sweep(seeds, sweep_dir, data_path, parameters=None, notebooks=SWEEP_NOTEBOOKS, execute=None, log=print):
    """Run every unfinished (seed, notebook) of a sweep, in seed order.

    Before a run, its old outputs are deleted; its manifest is written only after it succeeded, so
    a run that failed or was interrupted halfway is never taken for finished.

    Args:
        seeds, sweep_dir, data_path, parameters, notebooks: as in :func:`planned_runs`.
        execute: ``execute(source, output, parameters)``; default :func:`afrlib.runner.run_notebook`
            without HTML.
        log: called with one line per run.

    Returns:
        list[dict]: the runs that were executed (the others were finished already).

    Raises:
        ParameterError: a parameter that no notebook has; one that the sweep sets (``data_path`` and the
            output paths); ``seed`` among the parameters (``seeds`` sets it), or ``sample_limit`` (it samples with the seed, so each
            seed would get another test split and the seeds could not be compared).
        DataError: ``data_path`` is not a readable file; NotebookFailed: a run failed (the
            finished ones stay, rerunning continues from the failed one).
    """
    from afrlib.data import check_path
    from afrlib.prepare import file_sha256

    given = sorted(set(parameters or {}) & {"data_path", "model_dir", "metrics_path", "figures_dir"})
    if given:
        raise ParameterError(f"{', '.join(given)} cannot be a sweep parameter: the sweep sets the data from --data "
                             f"(DATA with make) and writes each seed's outputs under --out.")
    if "seed" in (parameters or {}):
        raise ParameterError("seed cannot be a sweep parameter: the sweep sets it from --seeds (SEEDS=\"1 2 3\" with make).")
    if (parameters or {}).get("sample_limit") is not None:
        raise ParameterError("sample_limit cannot be used in a sweep: the sample is drawn with the seed, so each "
                             "seed would be tested on other reviews. Point DATA at a smaller file instead.")
    from afrlib.runner import notebook_parameters

    known = set().union(*(notebook_parameters(f"notebooks/{name}.ipynb") for name in notebooks))
    unknown = sorted(set(parameters or {}) - known)
    if unknown:
        raise ParameterError(f"No notebook of the sweep has the parameter {', '.join(unknown)}; they have "
                             f"{', '.join(sorted(known))}.")
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
        for old in (manifest_path(run), Path(run["metrics_path"]), scores_path(run["metrics_path"]), Path(run["output"])):
            old.unlink(missing_ok=True)
        execute(run["source"], run["output"], run["parameters"])
        write_json(run_manifest(run, source_sha256), manifest_path(run))
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
        settings = [{k: v for k, v in run.get("parameters", {}).items() if k != "seed"} for run in runs]
        if any(setting != settings[0] for setting in settings):
            raise ParameterError(f"The {name} runs of {sweep_dir} were made with different parameters "
                                 f"({settings[0]} and others); run make sweep again with one set of parameters.")
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
