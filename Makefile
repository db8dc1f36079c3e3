# schoolnet: make run | make test | make bench
GO ?= go

.PHONY: run test bench build vet clean

## run: compare the baseline with the headline reforms (SSP, funding only,
## rotation only, loose collaboration): a table per outcome and a chart
run:
	$(GO) run ./cmd/schoolnet compare

## test: run the whole test suite (and each benchmark once, so none rots)
test:
	$(GO) vet ./...
	$(GO) test -count=1 ./...
	$(GO) test -count=1 -short -run '^$$' -bench . -benchtime 1x ./... > /dev/null

## bench: run the benchmarks
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

## build: build the schoolnet binary
build:
	$(GO) build -o schoolnet ./cmd/schoolnet

clean:
	rm -rf out schoolnet
