# polystore — developer tasks. `make test` is what CI runs.
GO            ?= go
STATICCHECK   ?= $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2
BENCHSTAT     ?= $(GO) run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
BENCH         ?= .
BENCHCOUNT    ?= 6

.PHONY: bin/polystore test lint fmt fmt-check vet staticcheck unit clock-check cluster-check bench bench-prisma bench-shop demo doctor serve mongoose-fixtures prisma-fixtures prisma-query-fixtures

## test: everything CI checks — formatting, vet, staticcheck, all tests with -race, and the
## clock-sensitive packages again with their clocks ten years ahead and behind
test: web-deps lint unit clock-check cluster-check

## web-deps: the dashboard's chart library (uPlot, from npm with web/package-lock.json) copied
## into web/vendor/, which the build embeds and the browser tests load; skipped when already there
web-deps:
	@if [ -f web/vendor/uPlot.iife.min.js ]; then echo "web/vendor: uPlot present"; \
	elif command -v npm >/dev/null; then cd web && npm ci --no-audit --no-fund; \
	else echo "npm not found: the browser tests need uPlot (install Node.js and npm, or run .ci/run)"; exit 1; fi

## lint: gofmt check, go vet and staticcheck on the main module and the bench module
lint: fmt-check vet staticcheck

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needs to format:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...
	@if [ -f bench/go.mod ]; then cd bench && $(GO) vet ./...; fi

staticcheck:
	$(STATICCHECK) ./...
	@if [ -f bench/go.mod ]; then cd bench && $(STATICCHECK) ./...; fi

## unit: all tests of the main module against the real servers, with the race detector
unit:
	$(GO) test -race -count=1 -timeout 30m ./...

## clock-check: the packages whose tests inject a clock, run with that clock moved ten years ahead
## and ten years behind (internal/testclock); internal/repocheck's TestNoDateBombs guards the rest
CLOCK_PKGS ?= ./internal/testclock ./redis/ratelimit ./redis/revoke ./redis/leaderboard
clock-check:
	POLYSTORE_CLOCK_SHIFT=87600h $(GO) test -count=1 $(CLOCK_PKGS)
	POLYSTORE_CLOCK_SHIFT=-87600h $(GO) test -count=1 $(CLOCK_PKGS)

## cluster-check: every redis/* suite again on a private Redis Cluster (three masters, three
## replicas on loopback, started and stopped by internal/devenv); without -race, which the
## single-server run already covers
cluster-check:
	POLYSTORE_REDIS_CLUSTER=1 $(GO) test -count=1 ./redis/... ./internal/rediskey

## fmt: format the code
fmt:
	gofmt -w $$(git ls-files '*.go')

## bench: benchmarks against the baselines (BENCH=regexp, BENCHCOUNT=n); compare runs with benchstat
bench:
	cd bench && $(GO) test -run '^$$' -bench '$(BENCH)' -benchmem -count $(BENCHCOUNT) ./... | tee ../bench.out
	$(BENCHSTAT) bench.out

## bench-prisma: Prisma 7 (bench/prisma, installed with npm ci; Node >= 20.19) as a peer of pgx, the
## runtime and the generated client on the same database and rows: BenchmarkClient, one table per
## operation (BENCHCOUNT=n). The prisma CLI's schema-engine download is skipped: generate needs none
bench-prisma:
	cd bench/prisma && npm ci --no-audit --no-fund && PRISMA_SCHEMA_ENGINE_BINARY=/bin/false CHECKPOINT_DISABLE=1 \
		./node_modules/.bin/prisma generate --schema schema.prisma
	cd bench && POLYSTORE_BENCH_PRISMA=1 $(GO) test -run '^$$' -bench '^BenchmarkClient$$' -benchmem -count $(BENCHCOUNT) ./orm/ | tee ../bench-prisma.out
	$(BENCHSTAT) -col /impl bench-prisma.out

## bench-shop: the flash-sale shop's table — reservation decisions/s on one hot SKU against the
## guide's Redlock + GET/SET in the same run, then POST /shop/reservations at constant rates over
## HTTP with all stores up to the knee (docs/benchmarks.md); about two minutes
bench-shop:
	cd bench && POLYSTORE_BENCH=1 $(GO) test -count=1 -run TestShopBenchTable -v -timeout 20m ./shop/

## mongoose-fixtures: rerun mongo/odm's parity cases through Mongoose (needs Node >= 20.19 and npm);
## TestMongooseParity compares odm with the committed fixtures.json, so tests never need Node;
## populate.js runs Mongoose's populate against the embedded FerretDB (go run ./ferretdb) for populate.json
mongoose-fixtures:
	cd mongo/odm/testdata/mongoose && npm ci --no-audit --no-fund && TZ=UTC node generate.js && TZ=UTC node output.js && TZ=UTC node populate.js

## prisma-fixtures: record Prisma 7's format, DMMF and migration DDL (its WebAssembly engines, run by
## Node >= 20 with npm) next to every golden schema of postgres/psl and postgres/migrate; the Go tests
## compare with the committed prisma.* files, so tests never need Node
PRISMA_FIXTURE_DIRS ?= $(wildcard postgres/psl/testdata/valid/*) $(wildcard postgres/psl/testdata/invalid/*) $(wildcard postgres/migrate/testdata/ddl/*) $(wildcard postgres/migrate/testdata/diffs/*)
prisma-fixtures:
	cd postgres/migrate/testdata/prisma && npm ci --no-audit --no-fund
	node --experimental-wasm-modules --no-warnings postgres/migrate/testdata/prisma/record.mjs $(PRISMA_FIXTURE_DIRS)

## prisma-query-fixtures: rerun postgres/orm's query parity cases (testdata/prisma/cases.json) through
## Prisma 7 with @prisma/adapter-pg on the local PostgreSQL (Node >= 20.19 and npm); TestPrismaParity
## compares the runtime with the committed answers.json, so tests never need Node
prisma-query-fixtures:
	cd postgres/orm/testdata/prisma && npm ci --no-audit --no-fund && PRISMA_SCHEMA_ENGINE_BINARY=/bin/false \
		CHECKPOINT_DISABLE=1 ./node_modules/.bin/prisma generate --schema schema.prisma && node record.mjs

## demo, doctor, serve: build bin/polystore, then run it. A built binary exits 0 after Ctrl-C; under
## `go run` the go command, interrupted too, would report exit status 1 whatever the program returned
bin/polystore:
	$(GO) build -o bin/polystore ./cmd/polystore

demo: bin/polystore
	./bin/polystore demo

doctor: bin/polystore
	./bin/polystore doctor

serve: bin/polystore
	./bin/polystore serve
