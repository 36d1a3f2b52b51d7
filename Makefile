# Portico: `make demo` runs it on the example manifests, `make test` runs every test.
# Both install what is missing first (Debian packages as root, npm dependencies).
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help deps system-deps node-deps build demo test lint bench clean

help:
	@echo "make demo    run Portico on examples/ with demo backends (no cluster)"
	@echo "make test    run every test"
	@echo "make lint    type-check TypeScript and luacheck the Lua"
	@echo "make bench   benchmarks (BENCH_QUICK=1 for the short variant)"

deps: system-deps node-deps

# OpenResty if present; otherwise Debian's nginx with the Lua module, plus the tools tests and benchmarks use.
system-deps:
	@bash deploy/install-system-deps.sh

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

node-deps: node_modules/.package-lock.json

build: node-deps
	npx tsc -p tsconfig.json

demo: deps build
	@bash examples/demo.sh

test: deps build lint
	npm test

lint: node-deps
	npx tsc -p tsconfig.json --noEmit
	npx tsc -p tsconfig.check.json
	luacheck -q lua/

bench: deps build
	npx tsx bench/run.ts

clean:
	rm -rf dist .work
