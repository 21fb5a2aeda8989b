# StainShift: make demo | make test | make bench
# Each target first installs the system libraries it needs, only when they are missing.

SWIFT       ?= swift
CONFIG      ?= release
PACKAGES    := libtiff-dev libpng-dev libjpeg-dev pkg-config
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BIN          = .build/$(CONFIG)/stainshift
TESTFLAGS   := -c release -Xswiftc -enable-testing

.PHONY: deps build demo test bench fuzz clean

deps:
	@missing=""; for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "make: installing missing system packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build -c $(CONFIG) --product stainshift

demo: build
	@echo "make demo: stainshift $$($(BIN) --version) on samples/"
	$(BIN) info samples/skimage-ihc.png

test: deps
	$(SWIFT) test $(TESTFLAGS)

bench: build
	Benchmarks/run.sh

clean:
	rm -rf .build out

test-pipelines: deps
	SWIFT="$(SWIFT)" BUILDFLAGS="$(TESTFLAGS)" bash pipelines/tests/run.sh
