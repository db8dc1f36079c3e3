# schoolnet: make run | make test | make bench
GO ?= go

.PHONY: run study test test-cluster bench pgo fuzz build vet clean

# The fuzz targets: package and target name. Go runs one target at a time.
FUZZ_TARGETS = \
	./scenarios:FuzzParse \
	./scenarios:FuzzParseUntrusted \
	./scenarios:FuzzReadRoster \
	./cmd/schoolnet/internal/web:FuzzSettings \
	./results/sweep:FuzzMergeShard
FUZZTIME ?= 3s

## run: compare the baseline with the headline reforms (SSP, funding only,
## rotation only, loose collaboration): a table per outcome and a chart,
## each replication with its own draw of the model's parameters (a small
## ensemble: 8 replications of 4 draws from the parameters' plausible
## ranges), so the intervals hold parametric as well as stochastic
## uncertainty, with the probability that each reform beats each other
run:
	$(GO) run ./cmd/schoolnet compare --ensemble prior --reps 8 --draws 4

## study: the shipped sensitivity study of docs/UNCERTAINTY.md (Morris
## screenings of the SSP's and funding's effects over ten mechanisms, a
## Sobol analysis of the SSP's in two merged shards, an
## ensemble comparison of the headline reforms and a scenario discovery)
## into out/study; about 18 minutes on 2 cores
STUDY_KEYS = peer_relation_effect,peer_achievement_effect,resource_effect,funding_crowd_out,spending_concavity,mentoring_rate,collaboration_gain,activity_tie_boost,load_effect,teacher_sd
study:
	$(GO) build -o out/schoolnet ./cmd/schoolnet
	out/schoolnet sweep sweep-ssp-morris --out out/study/ssp-morris --quiet
	out/schoolnet sweep sweep-funding-morris --out out/study/funding-morris --quiet
	out/schoolnet sweep sweep-ssp-sobol --shard 1/2 --out out/study/ssp-sobol-shards/1 --quiet & shard=$$!; \
		out/schoolnet sweep sweep-ssp-sobol --shard 2/2 --out out/study/ssp-sobol-shards/2 --quiet && wait $$shard
	out/schoolnet merge out/study/ssp-sobol out/study/ssp-sobol-shards/1 out/study/ssp-sobol-shards/2
	out/schoolnet compare --ensemble prior:$(STUDY_KEYS) --reps 16 --draws 8 --out out/study/ensemble --quiet
	out/schoolnet discover out/study/ensemble --better funding-only --than shanghai-ssp --out out/study/discover-funding-ssp.csv
	out/schoolnet discover out/study/ensemble --better rotation-only --than funding-only --out out/study/discover-rotation-funding.csv

## test: run the whole test suite (deploy/k8s, the Kubernetes manifests'
## check, is a module of its own), each benchmark once (so none rots) and
## each fuzz target for a few seconds (FUZZTIME); vet also checks that
## the program and its tests build for macOS and Windows
test:
	$(GO) vet ./...
	GOOS=darwin $(GO) vet ./...
	GOOS=windows $(GO) vet ./...
	$(GO) test -count=1 ./...
	cd deploy/k8s && $(GO) vet ./... && $(GO) test -count=1 ./...
	$(GO) test -count=1 -short -run '^$$' -bench . -benchtime 1x ./... > /dev/null
	@$(MAKE) --no-print-directory fuzz FUZZTIME=$(FUZZTIME)

## test-cluster: the Slurm job array of docs/CLUSTER.md end to end on a
## single-node Slurm started from Debian's packages (root only; about a
## minute): array, a cancelled and resubmitted task, merge, and the same
## bytes as a one-process sweep
test-cluster:
	bash deploy/slurm/test-cluster

## fuzz: run each fuzz target for FUZZTIME (make fuzz FUZZTIME=10m for a
## long run); a failing input is saved under the package's testdata/fuzz
fuzz:
	@log=$$(mktemp); for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzz $$name ($$pkg) for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) $$pkg > $$log 2>&1 || { cat $$log; rm -f $$log; exit 1; }; \
	done; rm -f $$log

## bench: run the benchmarks, and the scaling check: BenchmarkPolicyScaling
## fails if a policy's yearly time grows faster than S log S from a city
## (1,600 schools) to a province (10,000); docs/PERFORMANCE.md
## (built, like the binary, with the profile cmd/schoolnet/default.pgo)
bench:
	$(GO) test -pgo=$(CURDIR)/cmd/schoolnet/default.pgo -run '^$$' -bench . -benchmem ./...

## pgo: rewrite cmd/schoolnet/default.pgo, the CPU profile with which
## `go build` optimises the binary (profile-guided optimisation: hot calls
## inlined): a city year of BenchmarkYear on one worker and every policy
## of BenchmarkPolicy; about a minute. Re-run it after large changes to
## the hot paths; docs/PERFORMANCE.md
pgo:
	mkdir -p out/pgo
	$(GO) test -c -o out/pgo/sim.test ./sim
	$(GO) test -c -o out/pgo/policy.test ./sim/policy
	out/pgo/sim.test -test.run '^$$' -test.bench 'Year/city/workers=1$$' -test.benchtime 2x -test.cpuprofile out/pgo/year.prof > /dev/null
	out/pgo/policy.test -test.run '^$$' -test.bench 'BenchmarkPolicy$$/' -test.benchtime 1x -test.cpuprofile out/pgo/policy.prof > /dev/null
	$(GO) tool pprof -proto out/pgo/year.prof out/pgo/policy.prof > cmd/schoolnet/default.pgo.tmp
	mv cmd/schoolnet/default.pgo.tmp cmd/schoolnet/default.pgo

## build: build the schoolnet binary
build:
	$(GO) build -o schoolnet ./cmd/schoolnet

clean:
	rm -rf out schoolnet
