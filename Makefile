# stance: claim-stance classification in news. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ARTICLE ?= ../shared/data/examples/russia-us-daesh-2017-10-11.txt
MODEL ?= models/best
FORMAT ?= table
SUITE ?= default
SERVE_MODEL ?= models:/stance@champion
PORT ?= 5001
# Pinned here, not in pyproject: a bare `torch` would pull a multi-GB CUDA build.
TORCH_PIN ?= torch==2.13.0

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help setup spark-setup train eval predict serve test test-all bench ui data clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'
	@echo "  variables: ARTICLE=$(ARTICLE) MODEL=$(MODEL) FORMAT=$(FORMAT) SUITE=$(SUITE) SERVE_MODEL=$(SERVE_MODEL)"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet "$(TORCH_PIN)"
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

setup: $(STAMP) ## create .venv and install the package (CPU torch)

spark-setup: $(STAMP) ## the Spark engine: pyspark into .venv, and a Java runtime (Debian) when java is missing
	$(BIN)/pip install --quiet -e ".[spark]"
	@if command -v java >/dev/null || [ -n "$$JAVA_HOME" ]; then java -version 2>&1 | head -1; \
	elif command -v apt-get >/dev/null; then $(SUDO) apt-get update -qq && \
		$(SUDO) apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless; \
	else echo "install a Java 17+ runtime (e.g. openjdk-17-jre-headless) for the Spark engine"; exit 1; fi

data: $(STAMP) ## build the claim dataset into artifacts/data
	$(BIN)/stance data build --out artifacts/data

train: $(STAMP) ## run the experiment suite (SUITE=default), one MLflow run per config
	$(BIN)/stance train --suite $(SUITE)

eval: $(STAMP) ## compare trained models on gold test: CIs, tests, calibration; writes experiments/reports/<date>/
	$(BIN)/stance eval $(if $(RUNS),--runs $(RUNS),)

predict: $(STAMP) ## label the claims of ARTICLE with MODEL (FORMAT=table|jsonl|csv|html)
	$(BIN)/stance predict "$(ARTICLE)" --model "$(MODEL)" --format $(FORMAT) $(if $(OUTPUT),--output $(OUTPUT),)

test: $(STAMP) ## fast tests (what CI runs)
	$(BIN)/pytest -q

test-all: $(STAMP) ## all tests, including slow ones (an MLflow model server on localhost)
	$(BIN)/pytest -q -m ""

bench: $(STAMP) ## throughput and memory benchmarks
	$(BIN)/python -m stance.evaluation.bench --spark

serve: $(STAMP) ## serve SERVE_MODEL (default: the champion from make eval) on 127.0.0.1:PORT (5001)
	PATH="$(CURDIR)/$(BIN):$$PATH" MLFLOW_TRACKING_URI=$${MLFLOW_TRACKING_URI:-sqlite:///mlflow.db} \
		$(BIN)/mlflow models serve -m "$(SERVE_MODEL)" --env-manager local --host 127.0.0.1 --port $(PORT)

ui: $(STAMP) ## the MLflow UI on http://127.0.0.1:5000
	$(BIN)/mlflow ui --backend-store-uri $${MLFLOW_TRACKING_URI:-sqlite:///mlflow.db} --host 127.0.0.1 --port 5000

clean: ## remove built data, models and the local MLflow store (keeps .venv)
	rm -rf artifacts models mlflow.db mlruns
