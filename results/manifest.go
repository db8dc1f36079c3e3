package results

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"runtime"
	"runtime/debug"
	"time"
)

// Manifest records what produced a result directory, so that any result
// can be traced to its exact inputs and reproduced.
type Manifest struct {
	// Scenario is the fully resolved scenario (extends applied, every
	// default filled in) and ScenarioHash the SHA-256 of its JSON.
	Scenario     any    `json:"scenario"`
	ScenarioHash string `json:"scenario_hash"`
	Seed         int64  `json:"seed"`
	// Replications are the replications whose results the folder holds;
	// ReplicationsPlanned those the command was asked for. Fewer were
	// kept when the command was interrupted.
	Replications        int `json:"replications"`
	ReplicationsPlanned int `json:"replications_planned"`
	// Interrupted is true when the command was stopped (Ctrl-C, SIGTERM)
	// before it finished. A sweep's manifest says true from the moment
	// the sweep starts until it ends, so that one whose process was
	// killed says so too.
	Interrupted bool `json:"interrupted"`
	// Runs and RunsPlanned (sweeps and merges) are the runs of the sweep
	// in the folder's runs/ and the runs of the whole sweep.
	Runs        int    `json:"runs,omitempty"`
	RunsPlanned int    `json:"runs_planned,omitempty"`
	Command     string `json:"command"`
	// Program, Version and Commit identify the binary; GoVersion the
	// toolchain that built it.
	Program   string `json:"program"`
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	Modified  bool   `json:"commit_modified"`
	GoVersion string `json:"go_version"`
	Workers   int    `json:"workers"`
	// Shard is "K/N" for a sweep that ran only shard K of N, else empty.
	Shard string    `json:"shard,omitempty"`
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Files lists the entries of the folder beside the manifest, a
	// subfolder as "NAME/".
	Files []string `json:"files"`
	// SHA256 holds the SHA-256 of every file under the folder but the
	// manifest itself, by its slash-separated path in the folder.
	SHA256 map[string]string `json:"sha256,omitempty"`
	// Year is, for compare, the year whose outcomes compare.csv holds
	// (--year, by default the last year run).
	Year *int `json:"year,omitempty"`
}

// NewManifest fills in the scenario, its hash and the build information.
func NewManifest(scenario any, seed int64, reps int) (Manifest, error) {
	js, err := json.Marshal(scenario)
	if err != nil {
		return Manifest{}, err
	}
	sum := sha256.Sum256(js)
	m := Manifest{
		Scenario: scenario, ScenarioHash: hex.EncodeToString(sum[:]),
		Seed: seed, Replications: reps, ReplicationsPlanned: reps,
		Program: "schoolnet", Version: "(devel)", Commit: "unknown", GoVersion: runtime.Version(),
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		m.Version = bi.Main.Version
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				m.Commit = s.Value
			case "vcs.modified":
				m.Modified = s.Value == "true"
			}
		}
	}
	return m, nil
}

// Write writes the manifest as indented JSON.
func (m *Manifest) Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(m)
}
