package results

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
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
	// Dependencies are the versions of the modules the binary was built
	// with, by module path (a replaced module as "version => replacement").
	Dependencies map[string]string `json:"dependencies,omitempty"`
	// OS and Arch are the operating system and architecture the command
	// ran on (Go's GOOS and GOARCH), CPU the processor's model (from
	// /proc/cpuinfo on Linux; empty where unknown) and CPUs its logical
	// cores.
	OS   string `json:"os"`
	Arch string `json:"arch"`
	CPU  string `json:"cpu,omitempty"`
	CPUs int    `json:"cpus"`
	// BinarySHA256 is the SHA-256 of the executable that wrote the
	// folder: it tells two binaries apart where the commit is unknown
	// (built with -buildvcs=false or outside a Git checkout).
	BinarySHA256 string `json:"binary_sha256,omitempty"`
	Workers      int    `json:"workers"`
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
	// Ensemble, for run and compare with --ensemble, is the ensemble of
	// parameter draws the replications took (results/ensemble).
	Ensemble *EnsembleInfo `json:"ensemble,omitempty"`
}

// EnsembleInfo records an ensemble of parameter draws: its name ("prior"
// or the posterior file's path), the file's SHA-256, the parameters drawn
// and the number of draws (replication r takes draw r mod Draws).
type EnsembleInfo struct {
	Name   string   `json:"name"`
	SHA256 string   `json:"sha256,omitempty"`
	Keys   []string `json:"keys"`
	Draws  int      `json:"draws"`
}

// ScenarioHash returns the SHA-256 of the scenario's JSON, in hex: the
// manifest's scenario_hash and every result file's scenario_hash column.
func ScenarioHash(scenario any) (string, error) {
	js, err := json.Marshal(scenario)
	if err != nil {
		return "", fmt.Errorf("results: %w", err)
	}
	sum := sha256.Sum256(js)
	return hex.EncodeToString(sum[:]), nil
}

// NewManifest fills in the scenario, its hash and the build information.
func NewManifest(scenario any, seed int64, reps int) (Manifest, error) {
	hash, err := ScenarioHash(scenario)
	if err != nil {
		return Manifest{}, err
	}
	m := Manifest{
		Scenario: scenario, ScenarioHash: hash,
		Seed: seed, Replications: reps, ReplicationsPlanned: reps,
		Program: "schoolnet", Version: "(devel)", Commit: "unknown", GoVersion: runtime.Version(),
		OS: runtime.GOOS, Arch: runtime.GOARCH, CPU: cpuModel(), CPUs: runtime.NumCPU(), BinarySHA256: binarySHA256(),
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		m.Version = bi.Main.Version
		m.Dependencies = dependencies(bi)
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

// RunID returns the identity of the manifest's run of the scenario name,
// for the last columns of its files.
func (m *Manifest) RunID(name string) RunID {
	return RunID{Scenario: name, Hash: m.ScenarioHash, Seed: m.Seed}
}

// cpuModel returns the processor's model name where the system tells it
// (Linux: the first "model name" of /proc/cpuinfo), else "".
var cpuModel = sync.OnceValue(func() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	for line := range strings.Lines(string(data)) {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
})

// binarySHA256 returns the SHA-256 of the running executable, or "".
var binarySHA256 = sync.OnceValue(func() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	f, err := os.Open(exe)
	if err != nil {
		return ""
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))
})

// dependencies returns the module versions of a build, by path; nil if
// it lists none (a test binary).
func dependencies(bi *debug.BuildInfo) map[string]string {
	var out map[string]string
	for _, d := range bi.Deps {
		if out == nil {
			out = map[string]string{}
		}
		v := d.Version
		if d.Replace != nil {
			v += " => " + strings.TrimSpace(d.Replace.Path+" "+d.Replace.Version)
		}
		out[d.Path] = v
	}
	return out
}
