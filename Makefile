# The two commands of the README: `make demo` and `make test`.
# Both create .venv on first use and are quick when it is already there.
# The venv installs exactly what requirements/*.lock pin (hash-checked); `make lock` re-resolves.
# `make windows-bundle` writes dist/aggregator-<version>-windows-x64.zip (see README, "Windows").
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCKS := requirements/runtime.lock requirements/test.lock
UV_VERSION := 0.13.9

.PHONY: demo test clean lock windows-bundle

$(STAMP): pyproject.toml $(LOCKS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes $(addprefix -r ,$(LOCKS))
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/aggregator demo --workspace demo-workspace

test: $(STAMP)
	$(BIN)/python -m pytest -q

# One universal lock (Linux for the venv, win_amd64/cp313 for the bundle: markers tell them apart),
# the test tools resolved against it. uv is installed into the venv for this only.
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet "uv==$(UV_VERSION)"
	$(BIN)/uv pip compile pyproject.toml --extra units --universal --python-version 3.11 \
	  --generate-hashes -c requirements/constraints.txt -o requirements/runtime.lock -q
	$(BIN)/uv pip compile requirements/test.in --universal --python-version 3.11 \
	  --generate-hashes -o requirements/test.lock -q

windows-bundle: $(STAMP)
	$(BIN)/python scripts/windows/build_bundle.py

clean:
	rm -rf $(VENV) demo-workspace .pytest_cache dist .cache/windows-bundle
