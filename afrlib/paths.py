"""Where things live (the project root, the default reviews file) and how files are written safely."""

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

#: Default inputs, first one present wins (see README "Data").
DEFAULT_DATA_CANDIDATES = (
    "data/raw/Reviews.csv",
    "data/raw/database.sqlite",
    "data/sample/Reviews_sample.csv.gz",
)


def project_root(start=None):
    """Return the afr-lstm checkout that contains ``start`` (default: the working directory).

    Notebooks call this and ``os.chdir`` to it, so relative paths in their
    parameters resolve the same in JupyterLab, papermill and nbval.

    Returns:
        pathlib.Path: the first parent holding both ``pyproject.toml`` and ``afrlib/``.

    Raises:
        FileNotFoundError: when no parent of ``start`` is an afr-lstm checkout.
    """
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file() and (folder / "afrlib").is_dir():
            return folder
    raise FileNotFoundError(
        f"{here} is not inside the afr-lstm project (no parent holds pyproject.toml and afrlib/). "
        "Open the notebooks from a clone of the repository."
    )


def default_data_path(root=None):
    """Return the default reviews file, relative to the project root.

    ``data/raw/Reviews.csv`` or ``data/raw/database.sqlite`` (the full Kaggle
    download) when present, else the real sample committed in ``data/sample`` (PROVENANCE.md there).

    Returns:
        str: a path relative to ``root`` (default: :func:`project_root`).
    """
    root = Path(root or project_root())
    for candidate in DEFAULT_DATA_CANDIDATES:
        if (root / candidate).is_file():
            return candidate
    return DEFAULT_DATA_CANDIDATES[-1]


def current_umask():
    """The process's file-creation mask (int, e.g. ``0o022``); read without changing it for long."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(path):
    """Write ``path`` all at once: yield a temporary path beside it, rename it onto ``path`` on success.

    An exception or an interrupt (Ctrl-C) inside the block removes the temporary file and leaves
    any previous ``path`` untouched, so readers never see a half-written cache, metrics file or report.

    Yields:
        pathlib.Path: the temporary file to write (same folder, so the rename is atomic).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    os.chmod(temporary, 0o666 & ~current_umask())  # mkstemp makes 0600; give the usual mode
    try:
        yield Path(temporary)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
