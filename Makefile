# StainShift: make demo | make test | make bench | make validate
# Each target first installs the system libraries it needs, only when they are missing.

SWIFT       ?= swift
CONFIG      ?= release
PACKAGES    := libtiff-dev libpng-dev libjpeg-dev libopenslide-dev pkg-config
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BIN          = .build/$(CONFIG)/stainshift
TESTFLAGS   := -c release -Xswiftc -enable-testing

.PHONY: deps build demo test test-debug test-pipelines bench validate fuzz clean

deps:
	@missing=""; for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "make: installing missing system packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build -c $(CONFIG) --product stainshift

demo: build
	@echo "make demo: stainshift $$($(BIN) --version): scoring the synthetic cohort in samples/cohort"
	$(BIN) run samples/cohort/manifest.tsv -o out/demo --keep-going
	$(BIN) score samples/skimage-ihc.png --marker hla1 --json out/demo/skimage-ihc.json --overlay out/demo/skimage-ihc.overlay.png
	@echo
	@cut -f1-3,5 out/demo/groups.tsv
	@echo
	@echo "make demo: report: out/demo/report.html (tables: out/demo/*.tsv; research use only)"

# The workflow checks' Python tools install in the background while Swift builds (network vs CPU).
# The checks run the stainshift that `swift test` linked: `swift build --product` after `swift test`
# compiles every module again (the two build plans differ), about 2 minutes on 2 cores.
test: deps
	@mkdir -p .build; LOG=$(CURDIR)/.build/pipelines-venv.log bash pipelines/tests/venv.sh 2>/dev/null & venv=$$!; \
	trap 'kill $$venv 2>/dev/null || true' EXIT; \
	$(SWIFT) test $(TESTFLAGS) && $(MAKE) test-debug && \
	{ wait $$venv; $(MAKE) test-pipelines STAINSHIFT="$$($(SWIFT) build $(TESTFLAGS) --show-bin-path)/stainshift"; }

# The image readers in a debug build too (assertions and every run-time check on): the imaging
# tests, and a replay of the fuzz corpus through the replay tools (one line per file, to a log).
# Built from the readers-only manifest (STAINSHIFT_PACKAGE=imaging, see Package.swift) in .build-debug.
DEBUG_SWIFT := STAINSHIFT_PACKAGE=imaging $(SWIFT)
DEBUG_FLAGS := -c debug --scratch-path .build-debug
test-debug: deps
	$(DEBUG_SWIFT) build $(DEBUG_FLAGS) --product FuzzTIFF
	$(DEBUG_SWIFT) build $(DEBUG_FLAGS) --product FuzzPNG
	$(DEBUG_SWIFT) build $(DEBUG_FLAGS) --product FuzzJPEG
	@mkdir -p .build-debug/replay
	@for r in tiff png jpeg; do \
	  bin=.build-debug/debug/Fuzz$$(echo $$r | tr a-z A-Z); \
	  $$bin Fuzz/corpus/$$r/* > .build-debug/replay/$$r.log || { echo "make test-debug: $$bin failed on the $$r corpus"; exit 1; }; \
	done
	@echo "make test-debug: replayed $$(cat .build-debug/replay/*.log | wc -l) corpus files in a debug build"
	$(DEBUG_SWIFT) test $(DEBUG_FLAGS) --filter StainShiftImagingTests

bench: build
	Benchmarks/run.sh

# Expert points of the shared dev set (../shared/validation/devset): detection, positivity and Ki67
# index per source, beside the textbook scikit-image peer, and leave-one-source-out over a small
# threshold grid. Without ../shared it says so and succeeds.
DEVSET ?= ../shared/validation/devset
validate:
	@if [ ! -d "$(DEVSET)" ]; then echo "*** make validate: $(DEVSET) is absent: nothing validated ***"; exit 0; fi; \
	$(MAKE) build && python3 Benchmarks/validate/validate.py --bin $(BIN) --devset "$(DEVSET)"

# Fuzz each reader for FUZZ_SECONDS (all at once, niced), seeded from Fuzz/corpus; crashers
# land in Fuzz/crashers/. Replay one with: .build/debug/FuzzTIFF Fuzz/crashers/<file>
FUZZ_SECONDS ?= 60
FUZZ_BUILD   := $(SWIFT) build -c debug --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer,address \
                -Xswiftc -parse-as-library -Xswiftc -DFUZZING
fuzz: deps
	$(FUZZ_BUILD) --product FuzzTIFF
	$(FUZZ_BUILD) --product FuzzPNG
	$(FUZZ_BUILD) --product FuzzJPEG
	@mkdir -p Fuzz/crashers .build-fuzz/corpus/tiff .build-fuzz/corpus/png .build-fuzz/corpus/jpeg
	@bin=$$($(FUZZ_BUILD) --show-bin-path); status=0; pids=""; \
	for r in TIFF PNG JPEG; do \
	  d=$$(echo $$r | tr A-Z a-z); \
	  nice -n 10 $$bin/Fuzz$$r -max_total_time=$(FUZZ_SECONDS) -timeout=20 -rss_limit_mb=3072 -print_final_stats=1 \
	    -artifact_prefix=Fuzz/crashers/$$d- .build-fuzz/corpus/$$d Fuzz/corpus/$$d > .build-fuzz/fuzz-$$d.log 2>&1 & pids="$$pids $$!"; \
	done; \
	for p in $$pids; do wait $$p || status=1; done; \
	for d in tiff png jpeg; do echo "make fuzz: $$d: $$(grep -E 'stat::number_of_executed_units' .build-fuzz/fuzz-$$d.log | tail -1)"; done; \
	ls Fuzz/crashers; \
	if [ $$status -ne 0 ]; then echo "make fuzz: crashers saved in Fuzz/crashers/ (logs in .build-fuzz/fuzz-*.log)"; exit 1; fi

clean:
	rm -rf .build .build-debug out

test-pipelines: deps
	SWIFT="$(SWIFT)" BUILDFLAGS="$(TESTFLAGS)" STAINSHIFT="$(STAINSHIFT)" bash pipelines/tests/run.sh
