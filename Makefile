# Thin wrapper over CMake + Ninja.  The two commands of the README:
#   make run     install what is missing, build, analyze the bundled default
#   make check   install what is missing, build (plain, ASan+UBSan, TSan),
#                run every test; ends with ctest's summary line
# Other targets: build, lint, clean.  JOBS=N sets the parallelism.

JOBS ?= $(shell nproc)
BUILD ?= build
ASAN_BUILD ?= build-asan
TSAN_BUILD ?= build-tsan
CMAKE_FLAGS ?=

.PHONY: all deps build run check lint clean

all: build

deps:
	@./ci/install-deps.sh

# configure DIR EXTRA-FLAGS: (re)configure only when needed.
define configure
	@if [ ! -f $(1)/build.ninja ]; then \
	    cmake -S . -B $(1) -G Ninja \
	      -DBLKCHECK_PYTHON="$$(./ci/install-deps.sh --print-python)" \
	      $(2) $(CMAKE_FLAGS) >/dev/null || exit 1; \
	fi
endef

build: deps
	$(call configure,$(BUILD),)
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	@./ci/run-default.sh $(BUILD)

lint: build
	@./ci/lint -p $(BUILD)

check: deps
	@./ci/check.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD)
