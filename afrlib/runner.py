"""Execute a notebook with papermill for ``make reports``, never losing the last good report.

The notebook runs into ``reports/.tmp/<name>.ipynb``. On success it replaces
``reports/<name>.ipynb`` and the HTML rendering beside it. On failure the last good report
is left untouched, the failed execution is moved to ``reports/failed/<name>.ipynb`` (error
visible in it) and :class:`NotebookFailed` names the notebook and the cell.
"""

import logging
import os
import re
import shutil
import time
from pathlib import Path

import nbformat
import papermill
from nbconvert import HTMLExporter

from afrlib.errors import ParameterError
from afrlib.noise import drop_noise
from afrlib.paths import atomic_path, project_root

KERNEL_NAME = "afr-lstm"
CELL_TIMEOUT_S = 6 * 3600  # one training cell on the full data may take hours at the seed's settings


# TensorFlow's C++ start-up lines (absl, CUDA probing, graph attribute notices) that the kernel
# writes to stderr: dropped from the progress log, which keeps the cell outputs and epoch lines.
TF_NOISE = re.compile(r"^\s*$|^[EIW]\d{4} |absl::InitializeLog|Kernel is running over TCP")
class _DropNoise(logging.Filter):
    def filter(self, record):
        kept = [line for line in record.getMessage().splitlines() if not TF_NOISE.search(line)]
        record.msg, record.args = "\n".join(kept), ()
        return bool(kept)


class NotebookFailed(RuntimeError):
    """A notebook raised during execution; the message names the notebook and the cell."""


def strip_noise(notebook_path):
    """Remove :data:`afrlib.noise.NOISE` lines from an executed notebook's stderr outputs, in place.

    Stream outputs left empty are dropped; other stderr lines and error outputs are kept.

    Returns:
        int: the number of lines removed.
    """
    book = nbformat.read(str(notebook_path), as_version=4)
    removed = 0
    for cell in book.cells:
        kept_outputs = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                text, dropped = drop_noise(output["text"])
                removed += dropped
                if not text.strip():
                    continue
                output["text"] = text
            kept_outputs.append(output)
        if cell.cell_type == "code":
            cell.outputs = kept_outputs
    with atomic_path(notebook_path) as temporary:
        nbformat.write(book, str(temporary))
    return removed


def report_title(book):
    """The notebook's first Markdown heading (``# ...``), else None: the HTML page title."""
    for cell in book.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return None


def render_html(notebook_path, html_path):
    """Render an executed notebook to a standalone HTML file (nbconvert), written atomically.

    The page title is the notebook's first ``#`` heading (:func:`report_title`).
    """
    book = nbformat.read(str(notebook_path), as_version=4)
    title = report_title(book)
    if title:
        book.metadata["title"] = title
    body, _ = HTMLExporter().from_notebook_node(book, resources={"metadata": {"name": title or Path(notebook_path).stem}})
    with atomic_path(html_path) as temporary:
        temporary.write_text(body, encoding="utf-8")


def notebook_parameters(source):
    """The names set in a notebook's ``parameters`` cell (papermill's ``inspect_notebook``).

    Returns:
        set[str]: the parameter names (empty when the notebook has no parameters cell).
    """
    return set(papermill.inspect_notebook(str(source)))


def check_parameter_names(source, known, names):
    """Refuse ``names`` that are not among ``known``, the parameters of ``source`` (:func:`notebook_parameters`).

    Raises:
        ParameterError: naming the unknown parameters and the notebook's own.
    """
    unknown = sorted(set(names) - set(known))
    if unknown:
        raise ParameterError(f"{source} has no parameter {', '.join(unknown)}, so the value would be ignored. Its "
                             f"parameters: {', '.join(sorted(known)) or 'none'}.")


def check_notebook_parameters(source, parameters):
    """Refuse parameters that ``source`` does not have (papermill would only log "Passed unknown parameter"),
    and a ``depth`` other than a depth notebook's own (``lstm_2_layer.ipynb -p depth=1``).

    Raises:
        ParameterError: naming the unknown parameters and the notebook's own, or the depth.
    """
    check_parameter_names(source, notebook_parameters(source), parameters)
    own = re.search(r"lstm_(\d+)_layer\.ipynb$", str(source))
    if own and "depth" in parameters and str(parameters["depth"]) != own.group(1):
        raise ParameterError(f"{source} is the {own.group(1)}-layer notebook (its text and title say so); depth="
                             f"{parameters['depth']!r} would train another model under them. Run "
                             f"notebooks/lstm_{parameters['depth']}_layer.ipynb instead.")


def run_notebook(source, output, parameters=None, html=True, kernel_name=KERNEL_NAME,
                 cell_timeout=CELL_TIMEOUT_S, log=print):
    """Execute ``source`` with papermill into ``output`` (an ``.ipynb`` path), atomically.

    Args:
        source: the notebook under ``notebooks/``.
        output: the report notebook, e.g. ``reports/lstm_1_layer.ipynb``; its HTML goes beside it.
        parameters (dict): values injected after the ``parameters`` cell.
        html (bool): also render ``output`` with ``.html``.
        kernel_name: Jupyter kernel (``afr-lstm``, installed into ``.venv`` by the Makefile).
        cell_timeout (int): seconds one cell may run before the run fails.

    Returns:
        pathlib.Path: ``output``.

    Raises:
        NotebookFailed: a cell raised or timed out (``reports/failed/<name>.ipynb`` holds the run); ``source`` is
            missing; ``output`` is not an ``.ipynb`` path, is ``source`` itself or lies in ``notebooks/``.
        ParameterError: a parameter that the notebook does not have (:func:`check_notebook_parameters`).
    """
    if not Path(source).is_file():
        raise NotebookFailed(f"{source} does not exist: give a notebook of notebooks/.")
    if Path(output).suffix != ".ipynb":
        raise NotebookFailed(f"{output}: the report must be an .ipynb path (its HTML is written beside it).")
    root = project_root()
    if Path(output).resolve() == Path(source).resolve() or Path(output).resolve().parent == (root / "notebooks").resolve():
        raise NotebookFailed(f"{output}: the report would overwrite a notebook source (notebooks/ holds them, outputs "
                             f"stripped). Write it elsewhere, e.g. reports/{Path(source).name}.")
    check_notebook_parameters(source, parameters or {})
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    papermill_log = logging.getLogger("papermill")
    if not any(isinstance(f, _DropNoise) for f in papermill_log.filters):
        papermill_log.addFilter(_DropNoise())
    output = Path(output)
    staging = output.parent / ".tmp" / output.name
    failed = output.parent / "failed" / output.name
    staging.parent.mkdir(parents=True, exist_ok=True)
    log(f"Running {source} -> {output} with {parameters or {}}")
    started = time.perf_counter()
    try:
        papermill.execute_notebook(str(source), str(staging), parameters=parameters or {},
                                   kernel_name=kernel_name, cwd=str(root), progress_bar=False,
                                   log_output=True, execution_timeout=cell_timeout)
    except Exception as exc:  # any failure: keep the last good report, park the failed run
        failed.parent.mkdir(parents=True, exist_ok=True)
        if staging.exists():
            shutil.move(staging, failed)
        where = (f"cell {exc.cell_index} (execution count {exc.exec_count}): {exc.ename}: {exc.evalue}"
                 if isinstance(exc, papermill.PapermillExecutionError) else f"{type(exc).__name__}: {exc}")
        kept = (f"the failed run is in {failed}: open it to see the traceback"
                if failed.exists() else "no cell ran")
        raise NotebookFailed(
            f"{source} failed at {where.rstrip('.')}. The last good {output} is unchanged; {kept}. "
            "Fix the cause and run make reports again.") from exc
    strip_noise(staging)
    os.replace(staging, output)
    if html:
        render_html(output, output.with_suffix(".html"))
    if failed.exists():
        failed.unlink()
    log(f"Finished {output} in {time.perf_counter() - started:.0f} s.")
    return output
