# afr-lstm: `make reports` rebuilds every report from real reviews, `make test` checks the code and notebooks.
# Both create the virtual environment (.venv, Python 3.11, pins from requirements.lock) when needed.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
READY := $(VENV)/.installed
# Reviews file: the full Kaggle download in data/raw when present, else the real sample in data/sample.
DATA ?= $(firstword $(wildcard data/raw/Reviews.csv data/raw/database.sqlite) data/sample/Reviews_sample.csv.gz)
RUN := PYTHONUNBUFFERED=1 $(BIN)/python -m afrlib run
AFRLIB := $(wildcard afrlib/*.py)
DEPTHS := 1 2 3
LSTM_REPORTS := $(foreach d,$(DEPTHS),reports/lstm_$(d)_layer.ipynb)
# FAST=1 trains the LSTM notebooks with fast=True (masked padding, length-bucketed batches, README "Speed");
# FAST=0 or unset: the seed-faithful default.
FAST ?=
ifneq ($(filter-out 0 1,$(strip $(FAST))),)
$(error FAST=$(FAST): use FAST=1 for the fast configuration, FAST=0 (or unset) for the default)
endif
FAST_ON := $(if $(filter 1,$(strip $(FAST))),1,0)
# BATCH_SIZE=N or BATCH_SIZE=original-updates (the original's 2,040 optimizer updates on any data) for
# all three depths; unset: each depth notebook's default (chosen on the default sample, bench/budget.md).
BATCH_SIZE ?=
# STRATEGY=mirrored trains each LSTM with one model copy per local GPU, STRATEGY=multi-worker over the machines in
# TF_CONFIG (tf.distribute, README "Beyond one machine").
STRATEGY ?=
# CPU_TUNING=1 / 0 forces the LSTMs' CPU tuning (unrolled LSTMs, 1 x 2 threads, same predictions) on or off;
# unset: "auto", on from 50,000 fitting rows (the full data), off on the default sample (README "Speed").
CPU_TUNING ?=

.PHONY: all reports test unit lab smoke-reference clean help FORCE bench sweep budget
all: reports

help:
	@echo "make / make reports  the whole training job: every notebook on DATA (default $(DATA)) into reports/"
	@echo "               (executed .ipynb, HTML, metrics JSON, figures; models/ for predict). FAST=1 trains the"
	@echo "               LSTMs fast; BATCH_SIZE=N or BATCH_SIZE=original-updates overrides the depth notebooks' batch size"
	@echo "               STRATEGY=mirrored trains on every local GPU, STRATEGY=multi-worker on the machines of"
	@echo "               TF_CONFIG (tf.distribute); CPU_TUNING=1/0 forces the"
	@echo "               LSTMs' CPU tuning on or off (default auto: on for the full data)"
	@echo "make test      unit tests + nbval regression of the smoke reports + metric tolerances"
	@echo "make unit      the unit tests only"
	@echo "make lab       JupyterLab on the project kernel (interactive runs write to scratch/, not reports/)"
	@echo "make smoke-reference  re-render reports/smoke/ (the nbval reference) after an intended change"
	@echo "make sweep     the depth notebooks and the baseline once per seed (SEEDS=\"1 2 3 4 5\", SWEEP_PARAMS=\"-p epochs=5\"), then reports/sweep.html"
	@echo "make budget    test metrics of each depth against the number of optimizer updates (bench/budget.md, about 35 min)"
	@echo "make bench     speed benchmark on a generated 568,454-review input (FULL=1 adds the 3-depth 10-epoch run)"
	@echo "make clean     remove build/, data/processed/ (cached splits), models/, scratch/ and failed runs"

$(READY): requirements.lock pyproject.toml
	@test -n "$(PYTHON)" || { echo "error: Python 3.11 not found; install it or run make PYTHON=/path/to/python3.11"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || { echo "error: $(PYTHON) is not Python 3.11 (the lock is for 3.11); run make PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name afr-lstm --display-name "Python (afr-lstm)" >/dev/null
	touch $@

# The data file (path and SHA-256 of its content) is an input: a different DATA, or a changed file, rebuilds everything,
# also an edit that kept the file's size and modification time (cp -p, touch -r). 1.2 s for 300 MB on 2 cores.
DATA_ID = $(abspath $(DATA)) $(shell sha256sum '$(DATA)' 2>/dev/null | cut -d' ' -f1)
build/data.id: FORCE
	@test -f '$(DATA)' || { echo "error: DATA=$(DATA) is not a file. Put Kaggle's Reviews.csv (or database.sqlite) in data/raw/, or run make reports DATA=/path/to/Reviews.csv"; exit 1; }
	@mkdir -p build
	@echo '$(DATA_ID)' | cmp -s - $@ || echo '$(DATA_ID)' > $@

# A change of FAST, BATCH_SIZE, STRATEGY or CPU_TUNING retrains the LSTM reports.
LSTM_ID = FAST=$(FAST_ON) BATCH_SIZE=$(strip $(BATCH_SIZE))$(if $(strip $(STRATEGY)), STRATEGY=$(strip $(STRATEGY)))$(if $(strip $(CPU_TUNING)), CPU_TUNING=$(strip $(CPU_TUNING)))
build/fast.id: FORCE
	@mkdir -p build
	@echo '$(LSTM_ID)' | cmp -s - $@ || echo '$(LSTM_ID)' > $@

reports: reports/summary.ipynb

# The notebooks' own defaults write to scratch/ (interactive runs); make reports names the real outputs.
OUTPUTS = -p metrics_path=reports/metrics/$(1).json -p figures_dir=reports/figures

reports/data_preparation.ipynb: notebooks/data_preparation.ipynb $(AFRLIB) build/data.id | $(READY)
	$(RUN) $< $@ -p data_path='$(DATA)' $(call OUTPUTS,data_preparation)

reports/lstm_%_layer.ipynb: notebooks/lstm_%_layer.ipynb reports/data_preparation.ipynb build/fast.id $(AFRLIB) | $(READY)
	$(RUN) $< $@ -p data_path='$(DATA)' $(call OUTPUTS,lstm_$*_layer) -p model_dir=models/lstm_$*_layer \
	  $(if $(filter 1,$(FAST_ON)),-p fast=True) $(if $(strip $(BATCH_SIZE)),-p batch_size='$(strip $(BATCH_SIZE))') \
	  $(if $(strip $(STRATEGY)),-p strategy='$(strip $(STRATEGY))') $(if $(strip $(CPU_TUNING)),-p cpu_tuning='$(strip $(CPU_TUNING))')

reports/baseline.ipynb: notebooks/baseline.ipynb reports/data_preparation.ipynb $(AFRLIB) | $(READY)
	$(RUN) $< $@ -p data_path='$(DATA)' $(call OUTPUTS,baseline)

reports/error_analysis.ipynb: notebooks/error_analysis.ipynb reports/baseline.ipynb $(LSTM_REPORTS) $(AFRLIB) | $(READY)
	$(RUN) $< $@ -p data_path='$(DATA)' -p metrics_dir=reports/metrics -p models_dir=models -p figures_dir=reports/figures

reports/summary.ipynb: notebooks/summary.ipynb reports/error_analysis.ipynb reports/baseline.ipynb $(LSTM_REPORTS) $(AFRLIB) | $(READY)
	$(RUN) $< $@ -p metrics_dir=reports/metrics -p figures_dir=reports/figures
	$(BIN)/python -m afrlib index reports

# nbval reference: the notebooks rendered at the small seeded smoke configuration (tests/smoke.yml).
SMOKE_RUN = $(RUN) notebooks/$(1).ipynb reports/smoke/$(1).ipynb --no-html
SMOKE_OUT := -p figures_dir=build/smoke/figures
SMOKE_DATA := -f tests/smoke.yml $(SMOKE_OUT)

smoke-reference: | $(READY)
	rm -rf build/smoke reports/smoke
	$(call SMOKE_RUN,data_preparation) $(SMOKE_DATA) -p metrics_path=build/smoke/metrics/data_preparation.json
	$(call SMOKE_RUN,baseline) $(SMOKE_DATA) -p metrics_path=build/smoke/metrics/baseline.json
	for d in $(DEPTHS); do $(call SMOKE_RUN,lstm_$${d}_layer) $(SMOKE_DATA) -p epochs=2 -p batch_size=100 \
	  -p metrics_path=build/smoke/metrics/lstm_$${d}_layer.json -p model_dir=build/smoke/models/lstm_$${d}_layer \
	  || exit 1; done
	$(call SMOKE_RUN,error_analysis) $(SMOKE_DATA) -p metrics_dir=build/smoke/metrics -p models_dir=build/smoke/models \
	  -p mistakes_shown=2 -p explain_steps=16
	$(call SMOKE_RUN,summary) $(SMOKE_OUT) -p metrics_dir=build/smoke/metrics
	mkdir -p reports/smoke/metrics && cp build/smoke/metrics/*.json reports/smoke/metrics/

unit: | $(READY)
	$(BIN)/python -m pytest tests/unit

# In the order they depend on each other (nbval runs them one after another, sharing build/smoke).
SMOKE_ORDER := $(foreach n,data_preparation baseline $(foreach d,$(DEPTHS),lstm_$(d)_layer) error_analysis summary,reports/smoke/$(n).ipynb)

# Unit tests, then nbval re-executes the smoke reports (contract cells compared), then the smoke
# metrics they wrote are compared with the reference within tolerances. One pytest run, in that order.
test: | $(READY)
	rm -rf build/smoke
	$(BIN)/python -m pytest tests/unit $(SMOKE_ORDER) tests/regression \
	  --nbval-lax --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout 1800

# Seed-to-seed spread (afrlib/sweep.py): every depth notebook and the baseline once per seed into
# reports/sweep/seed_<seed>/, a finished run kept, then the sweep report reports/sweep.ipynb/.html.
SEEDS ?= 1 2 3 4 5
SWEEP_PARAMS ?=
sweep: build/data.id | $(READY)
	PYTHONUNBUFFERED=1 $(BIN)/python -m afrlib sweep --seeds '$(SEEDS)' --data '$(DATA)' $(SWEEP_PARAMS)
	$(BIN)/python -m afrlib index reports

# Root (containers) must say --allow-root; the kernel is the project's (afr-lstm, in .venv).
lab: | $(READY)
	$(BIN)/jupyter lab --notebook-dir=. --MappingKernelManager.default_kernel_name=afr-lstm $(if $(filter 0,$(shell id -u)),--allow-root)

clean:
	rm -rf build reports/.tmp reports/failed data/processed models scratch

# Speed benchmark (bench/, results in bench/results.md). The input is the real sample resampled to
# BENCH_ROWS reviews in Kaggle's proportions, written once to bench/out/ (git-ignored). FULL=1 adds
# the three depths x 10 epochs fast run on all of it. Smaller runs: make bench BENCH_ROWS=60000.
BENCH_ROWS ?= 568454
BENCH_TRAIN_ROWS ?= 50000
BENCH_TEST_ROWS ?= 20000
BENCH_EPOCHS ?= 2
BENCH_SOURCE ?= data/sample/Reviews_sample.csv.gz
BENCH_INPUT := bench/out/Reviews_$(BENCH_ROWS).csv
FULL ?=

$(BENCH_INPUT): | $(READY)
	$(BIN)/python bench/make_scale_input.py --rows $(BENCH_ROWS) --source $(BENCH_SOURCE) --out $@

bench: $(BENCH_INPUT) | $(READY)
	rm -f bench/out/prepare.json bench/out/train.json bench/out/inference.json
	$(BIN)/python bench/prepare_bench.py $(BENCH_INPUT)
	$(BIN)/python bench/train_bench.py $(BENCH_INPUT) --rows $(BENCH_TRAIN_ROWS) --test-rows $(BENCH_TEST_ROWS) \
	  --epochs $(BENCH_EPOCHS) --candidates
	$(BIN)/python bench/inference_bench.py $(BENCH_INPUT)
	$(if $(FULL),$(BIN)/python bench/full_bench.py $(BENCH_INPUT) --epochs 10)
	$(BIN)/python bench/write_results.py

# Training budget on the default data (bench/budget_bench.py): each depth at batch 1000 / 250 / 100 /
# original-updates, two at a time; finished configurations in bench/out/budget/ are kept.
budget: | $(READY)
	$(BIN)/python bench/budget_bench.py --data '$(DATA)'
