package scenarios_test

import (
	"bytes"
	"context"
	"fmt"
	"log"

	"schoolnet/results"
	"schoolnet/scenarios"
	"schoolnet/sim"
)

// Load a scenario (here a small variant of the shipped baseline, given
// as text; scenarios.Load reads a file or a shipped scenario's name),
// replicate it, and write its school panel: the same bytes for any
// number of workers.
func Example() {
	scn, err := scenarios.Parse("small.toml", []byte(`name = "small"
extends = "baseline"
[run]
years = 2
weeks_per_year = 8
spin_up_years = 1
replications = 2
[population]
districts = 1
schools_per_district = 4
`))
	if err != nil {
		log.Fatal(err)
	}
	m, err := results.NewManifest(scn, scn.Run.Seed, scn.Run.Replications)
	if err != nil {
		log.Fatal(err)
	}
	var panels [2]bytes.Buffer
	for k, workers := range []int{1, 4} {
		records, err := sim.Replicate(context.Background(), scn.Config(workers), scn.Run.Replications, workers, nil)
		if err != nil {
			log.Fatal(err)
		}
		if k == 0 {
			fmt.Printf("%s: %d replications, years 0-%d, %d schools\n", scn.Name, len(records), len(records[0])-1, len(records[0][0].Schools))
		}
		if err := results.WriteSchools(&panels[k], results.CSV, m.RunID(scn.Name), records); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Println("schools.csv the same for 1 and 4 workers:", bytes.Equal(panels[0].Bytes(), panels[1].Bytes()))
	// Output:
	// small: 2 replications, years 0-2, 4 schools
	// schools.csv the same for 1 and 4 workers: true
}
