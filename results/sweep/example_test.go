package sweep_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"schoolnet/results/sweep"
	"schoolnet/scenarios"
)

// A sweep split into two shards, as two jobs of a cluster would run them,
// and merged: the merged runs.csv is the sweep's run in one go.
func Example() {
	scn, err := scenarios.Parse("mentoring.toml", []byte(`name = "mentoring"
[run]
seed = 1
years = 2
weeks_per_year = 8
spin_up_years = 1
[population]
districts = 1
schools_per_district = 6
staff_history_years = 2
[[policy]]
kind = "pairing"
name = "pairs"
end = 2
[sweep]
replications = 2
[[sweep.param]]
key = "policy.pairs.mentoring_intensity"
values = [0, 0.5, 1]
`))
	if err != nil {
		log.Fatal(err)
	}
	root, err := os.MkdirTemp("", "sweep-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(root)

	var shards []string
	for k := 1; k <= 2; k++ {
		dir := filepath.Join(root, fmt.Sprintf("run-%d", k))
		res, err := sweep.Run(context.Background(), scn, sweep.Options{Out: dir, Shard: k, Shards: 2, Workers: 2})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("shard %d/2: %d of %d runs\n", k, res.Ran, res.Plan.Runs())
		shards = append(shards, dir)
	}
	merged := filepath.Join(root, "merged")
	res, err := sweep.Merge(merged, shards, sweep.Options{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("merged: %d runs, %d missing, wrote %v\n", res.Done, len(res.Missing), res.Files[:2])

	whole := filepath.Join(root, "whole")
	if _, err := sweep.Run(context.Background(), scn, sweep.Options{Out: whole, Workers: 2}); err != nil {
		log.Fatal(err)
	}
	a, _ := os.ReadFile(filepath.Join(merged, "runs.csv"))
	b, _ := os.ReadFile(filepath.Join(whole, "runs.csv"))
	fmt.Println("runs.csv the same as the whole sweep's:", bytes.Equal(a, b))
	// Output:
	// shard 1/2: 3 of 6 runs
	// shard 2/2: 3 of 6 runs
	// merged: 6 runs, 0 missing, wrote [runs.csv points.csv]
	// runs.csv the same as the whole sweep's: true
}
