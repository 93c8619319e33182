"""afrlib: helpers behind the afr-lstm notebooks (Amazon Fine Food Reviews polarity with Keras LSTMs).

Modules: ``data`` (load and validate Kaggle files), ``prepare`` (the course recipe and the cached
split), ``models`` (the three LSTM architectures), ``training`` (seeded fit and evaluation),
``metrics`` (scikit-learn metrics and metrics JSON), ``baseline`` (TF-IDF + logistic regression),
``plots`` and ``tables`` (report figures and PrettyTables), ``predict`` (saved models and the
``python -m afrlib predict`` command), ``runner`` (papermill execution for ``make reports``),
``fast`` (length-bucketed training of masked models, the notebooks' ``fast=True``).
"""

import os

# TensorFlow reads this when it loads: keep its start-up chatter out of reports and nbval diffs.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from afrlib.paths import default_data_path, project_root  # noqa: E402

__all__ = ["default_data_path", "project_root"]
__version__ = "0.1.0"
