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
	Replications int    `json:"replications"`
	Command      string `json:"command"`
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
	// Files lists the result files written beside the manifest.
	Files []string `json:"files"`
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
		Seed: seed, Replications: reps,
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
