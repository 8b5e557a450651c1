# quorate: the two set-up commands are `make run` and `make test` (see README.md).
# Each installs what it needs first (apt-get as root, or through sudo).

SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BUILD_PACKAGES := libyaml-dev pkg-config
# The benchmark: GNU time for peak memory, PyYAML's C loader as a baseline, tar.
BENCH_PACKAGES := time python3-yaml tar
# The tests run real ZooKeeper servers, ZooKeeper's own quorum code (zookeeper.jar, on the
# JDK) and a real client (python3-kazoo under /usr/bin/python3); they render quorate's SVG
# with rsvg-convert, its DOT with graphviz, and its HTML report in headless Chromium.
TEST_PACKAGES := $(BUILD_PACKAGES) $(BENCH_PACKAGES) zookeeper python3-kazoo default-jdk-headless librsvg2-bin graphviz chromium fonts-dejavu-core python3-jsonschema
TOPOLOGY ?= topologies/payments-prod.yaml
PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: run test build release deps test-deps docs check-topologies contract asan tsan bench bench-smoke fuzz fuzz-build fuzz-merge fuzz-smoke lint format clean install uninstall

# Installs Debian packages that are missing (apt-get update only when something is).
define apt_install
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

deps:
	$(call apt_install,$(BUILD_PACKAGES))

test-deps:
	$(call apt_install,$(TEST_PACKAGES))

build: deps
	$(SWIFT) build

# The Swift runtime linked in (--static-swift-stdlib): the binary needs only libyaml and the C and
# C++ runtimes at run time, so it runs where no Swift toolchain is installed; and a process
# starts in 5 ms, not 8, and holds 3.5 MB less (no Swift shared libraries to load and relocate).
# A binary left by a plain `swift build -c release` links the runtime dynamically, and SwiftPM
# counts it as up to date for this build too: it is removed first, so that it is built again.
release: deps
	@if readelf -d .build/release/quorate 2>/dev/null | grep -q libswiftCore; then \
	  echo "removing .build/release/quorate: it links the Swift runtime dynamically"; \
	  rm -f .build/release/quorate; \
	fi
	$(SWIFT) build -c release --static-swift-stdlib

# The main job on the bundled topology.
run: release
	.build/release/quorate report $(TOPOLOGY)

# The binary, bash/zsh/fish completions and a man page (both from swift-argument-parser's own
# generators) under $(DESTDIR)$(PREFIX).
# The manual's plugin builds the package in release mode its own way (the Swift runtime linked
# dynamically): in its own scratch folder, so that it leaves the binary installed alone.
install: release
	$(SWIFT) package --scratch-path .build-manual generate-manual --date 2026-11-23
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions \
	  $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 755 .build/release/quorate $(DESTDIR)$(PREFIX)/bin/quorate
	install -m 644 .build-manual/plugins/GenerateManual/outputs/quorate/quorate.1 $(DESTDIR)$(PREFIX)/share/man/man1/quorate.1
	.build/release/quorate --generate-completion-script bash > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/quorate
	.build/release/quorate --generate-completion-script zsh > $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_quorate
	.build/release/quorate --generate-completion-script fish > $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/quorate.fish

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/quorate $(DESTDIR)$(PREFIX)/share/man/man1/quorate.1 \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions/quorate $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_quorate \
	  $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/quorate.fish

# Every test: unit, property, transcripts, docs freshness, the contract check, the
# differential test against zookeeper.jar and the end-to-end tests on real servers.
test: test-deps lint
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	$(MAKE) --no-print-directory check-topologies contract bench-smoke fuzz-smoke asan tsan

# The unit and CLI tests again with AddressSanitizer, the binary they run included (the real
# servers, Chromium and the timing-driven kill loop are left to the plain run). Leak checking is off: a CLI that exits at once
# leaves argument-parser's allocations behind, which LeakSanitizer reports as leaks.
asan:
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan
	ASAN_OPTIONS=detect_leaks=0 $(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan \
	  --skip "EndToEndTests|DiagramTests|killedAtRandom"

# ThreadSanitizer where quorate runs threads: probe asks every member at once
# (ProbeConcurrencyTests, against fake members), the evaluator shared by the tests that run
# in parallel, libyaml parsing on a second thread while the document is built
# (PipelinedReadTests), and emit's digests of the output folder worked out on a second thread
# (the emit tests run the TSan-built binary, which halts on a race).
tsan:
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	TSAN_OPTIONS=halt_on_error=1 $(SWIFT) test --skip-build --sanitize=thread --scratch-path .build-tsan \
	  --filter "ConcurrentValidationTests|lintingInHalvesGivesTheWarningsOnePassGives|PipelinedReadTests|ProbeConcurrencyTests|ProbeJudgementTests|ConsistencyTests|MatrixTests|emitIsIdempotentAndCheckFindsDrift|theStatCacheNeverHidesAnEdit|moreFoldersThanOpenDescriptorsAllowed"

# House style (.swift-format): the toolchain's swift format, no extra dependency.
lint:
	$(SWIFT) format lint --strict --recursive Package.swift Sources Tests Benchmarks Fuzz

format:
	$(SWIFT) format format --in-place --recursive Package.swift Sources Tests Benchmarks Fuzz

check-topologies:
	.build/debug/quorate check topologies/*.yaml

contract:
	python3 ../shared/tools/contract-check.py .build/debug/quorate || \
	  { [ ! -f ../shared/tools/contract-check.py ] && echo "contract check skipped: ../shared not present"; }

# Every command on generated estates S, M, L and XL against a libyaml floor, PyYAML and tar
# in the same run; writes docs/performance.md. SIZES=S,M limits it.
SIZES ?= S,M,L,XL
bench: release
	$(call apt_install,$(BENCH_PACKAGES))
	/usr/bin/python3 Benchmarks/bench.py --binary .build/release/quorate --sizes $(SIZES) --write docs/performance.md

# The benchmark's smoke run (S, once), as part of make test.
bench-smoke:
	/usr/bin/python3 Benchmarks/bench.py --binary .build/debug/quorate --sizes S --runs 1 --rounds 1 > /dev/null

# libFuzzer (Swift's -sanitize=fuzzer, with AddressSanitizer) on three targets: the whole load
# pipeline on arbitrary bytes, what-if's scenario syntax, plan's arguments. New inputs go to
# .build-fuzz/work/TARGET, crashes to .build-fuzz/artifacts/TARGET; `make fuzz-merge` folds the
# new inputs into the committed, minimised corpus Fuzz/corpus/TARGET.
FUZZ_SECONDS ?= 1200
FUZZ_TARGETS := load scenario plan
FUZZ_BIN := .build-fuzz/debug/quorate-fuzz
FUZZ_FLAGS := -rss_limit_mb=4096 -timeout=20 -max_len=65536 -print_final_stats=1

# Coverage is asked for explicitly (libFuzzer's inline 8-bit counters, PC table and comparison
# tracing): with only -sanitize=fuzzer next to address, this toolchain left the counters out of
# about half the builds, at random (two identical fresh builds differed), and libFuzzer then ran
# blind ("no interesting inputs"), in CI too. The build and `make fuzz` both check for them.
fuzz-build: deps
	$(SWIFT) build --product quorate-fuzz --sanitize=fuzzer --sanitize=address -Xswiftc -DFUZZING \
	  -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp --scratch-path .build-fuzz
	@nm $(FUZZ_BIN) | grep -q __start___sancov_cntrs || { echo "fuzz-build: $(FUZZ_BIN) has no coverage counters"; exit 1; }

fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p .build-fuzz/work/$$t .build-fuzz/artifacts/$$t; \
	  echo "fuzzing '$$t' for $(FUZZ_SECONDS) s"; \
	  ASAN_OPTIONS=detect_leaks=0 QUORATE_FUZZ_TARGET=$$t $(FUZZ_BIN) $(FUZZ_FLAGS) -max_total_time=$(FUZZ_SECONDS) \
	    -artifact_prefix=.build-fuzz/artifacts/$$t/ .build-fuzz/work/$$t Fuzz/corpus/$$t > .build-fuzz/work/$$t.log 2>&1; \
	  status=$$?; tail -n 30 .build-fuzz/work/$$t.log; [ $$status = 0 ] || exit 1; \
	  grep -q "INITED cov: [1-9]" .build-fuzz/work/$$t.log || { \
	    echo "fuzz: '$$t' ran without coverage (libFuzzer: no interesting inputs); see fuzz-build"; exit 1; }; \
	done

fuzz-merge: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p .build-fuzz/merged/$$t; \
	  ASAN_OPTIONS=detect_leaks=0 QUORATE_FUZZ_TARGET=$$t $(FUZZ_BIN) $(FUZZ_FLAGS) -merge=1 .build-fuzz/merged/$$t \
	    Fuzz/corpus/$$t .build-fuzz/work/$$t && rm -rf Fuzz/corpus/$$t && mv .build-fuzz/merged/$$t Fuzz/corpus/$$t; \
	done

# The smoke run in make test: each target for FUZZ_SMOKE_SECONDS from the committed corpus.
FUZZ_SMOKE_SECONDS ?= 30
fuzz-smoke:
	$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(FUZZ_SMOKE_SECONDS)

# Regenerates docs/diagnostics.md from the catalogue and the README's diagram (tests fail when
# either is stale).
docs: build
	.build/debug/quorate explain --all --format markdown > docs/diagnostics.md
	.build/debug/quorate diagram topologies/payments-prod.yaml > docs/payments-prod.svg

clean:
	rm -rf .build .build-asan .build-tsan .build-fuzz .build-manual
