package sweep

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"schoolnet/results"
	"schoolnet/scenarios"
)

// RunFile is one run file of a sweep directory, read and checked.
type RunFile struct {
	Path string // where it was read
	Data []byte
	Run  results.SweepRun
	// Recorded is true when the directory's manifest records the file's
	// SHA-256 (and it matched): a run written after the manifest, by a
	// sweep killed before it could write its last one, is not.
	Recorded bool
}

// Manifest is the part of a sweep directory's manifest.json that
// resuming and merging read.
type Manifest struct {
	Scenario     json.RawMessage   `json:"scenario"`
	ScenarioHash string            `json:"scenario_hash"`
	Seed         int64             `json:"seed"`
	Command      string            `json:"command"`
	Commit       string            `json:"commit"`
	Modified     bool              `json:"commit_modified"`
	Binary       string            `json:"binary_sha256"`
	Shard        string            `json:"shard"`
	Interrupted  bool              `json:"interrupted"`
	SHA256       map[string]string `json:"sha256"`
}

// ReadManifest reads manifest.json of the directory fsys, whose path dir
// names it in messages; ok is false if there is none.
func ReadManifest(fsys fs.FS, dir string) (m Manifest, ok bool, err error) {
	p := filepath.Join(dir, "manifest.json")
	data, err := fs.ReadFile(fsys, "manifest.json")
	if errors.Is(err, fs.ErrNotExist) {
		return m, false, nil
	} else if err != nil {
		return m, false, err
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return m, false, refuse("%s: %v: the manifest is damaged; remove it and run the sweep that wrote %s into it again, which checks and keeps the run files there and writes a new manifest", p, err, dir)
	}
	if m.ScenarioHash == "" {
		return m, false, refuse("%s has no scenario_hash", p)
	}
	return m, true, nil
}

// Plan reads the sweep's plan from the manifest's resolved scenario; path
// names the manifest in messages.
func (m *Manifest) Plan(path string) (*Plan, error) {
	var scn struct {
		Name  string
		Run   struct{ Seed int64 }
		Sweep scenarios.SweepSpec
	}
	if err := json.Unmarshal(m.Scenario, &scn); err != nil {
		return nil, refuse("%s: %v", path, err)
	}
	sw := &scn.Sweep
	if !sw.Defined() || len(sw.Params) == 0 || sw.Replications < 1 || sw.NumPoints() < 1 {
		return nil, refuse("%s is not the manifest of a sweep: its scenario has no [sweep] table", path)
	}
	// Bounded as a [sweep] table is, so that a damaged manifest cannot ask
	// merge for a billion runs.
	if n, r := sw.NumPoints(), sw.Replications; n > scenarios.MaxSweepRuns || r > scenarios.MaxSweepRuns || n*r > scenarios.MaxSweepRuns {
		return nil, refuse("%s is not the manifest of a sweep schoolnet ran: %d points × %d replications is more than %d runs", path, n, r, scenarios.MaxSweepRuns)
	}
	design, err := designOf(sw, scn.Run.Seed)
	if err != nil {
		return nil, refuse("%s: %v", path, err)
	}
	return &Plan{Keys: sw.Keys(), Method: sw.Method, Points: sw.NumPoints(), Reps: sw.Replications, Outcome: sw.Outcome,
		ID: results.RunID{Scenario: scn.Name, Hash: m.ScenarioHash, Seed: m.Seed}, Design: design, Effect: sw.Effect}, nil
}

// ReadRuns reads the run files of the plan in the runs/ folder of the
// sweep directory fsys (dir names it in messages), skipping other names
// (temporaries among them). A file is checked against sums, the SHA-256
// the directory's manifest records by path ("runs/p0-r0.csv"). It
// returns the good files by run number, and an error for each file that
// is not its run of the sweep or differs from its recorded SHA-256.
func (p *Plan) ReadRuns(fsys fs.FS, dir string, sums map[string]string) (map[int]RunFile, []error, error) {
	entries, err := fs.ReadDir(fsys, "runs")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	} else if err != nil {
		return nil, nil, err
	}
	found := map[int]RunFile{}
	var bad []error
	for _, e := range entries {
		i, ok := p.Index(e.Name())
		if !ok || !e.Type().IsRegular() {
			continue
		}
		rel := path.Join("runs", e.Name())
		file := filepath.Join(dir, "runs", e.Name())
		data, err := fs.ReadFile(fsys, rel)
		if err != nil {
			return nil, nil, err
		}
		run, err := p.parseRun(file, i, data)
		if err != nil {
			bad = append(bad, err)
			continue
		}
		h := sha256.Sum256(data)
		want, recorded := sums[rel]
		if recorded && want != hex.EncodeToString(h[:]) {
			bad = append(bad, &AlteredRunError{file})
			continue
		}
		found[i] = RunFile{Path: file, Data: data, Run: run, Recorded: recorded}
	}
	return found, bad, nil
}

// AlteredRunError is the error of a run file whose SHA-256 is not the
// one its directory's manifest records.
type AlteredRunError struct{ Path string }

func (e *AlteredRunError) Error() string {
	return fmt.Sprintf("%s was changed after its sweep wrote it (its SHA-256 is not the one %s records)",
		e.Path, filepath.Join(filepath.Dir(filepath.Dir(e.Path)), "manifest.json"))
}

// Shard is a sweep directory as merge reads it.
type Shard struct {
	Dir      string
	Manifest Manifest
	Plan     *Plan
	Runs     map[int]RunFile
}

// ReadShard reads the sweep directory fsys, whose path is dir: its
// manifest and its run files, each of which must be its run of the sweep
// and recorded in the manifest with its SHA-256. An error says which
// file is wrong and how to repair the directory; it is a *RefusedError
// unless the directory could not be read.
func ReadShard(fsys fs.FS, dir string) (*Shard, error) {
	switch fi, err := fs.Stat(fsys, "."); {
	case err == nil && !fi.IsDir(), errors.Is(err, syscall.ENOTDIR):
		return nil, refuse("%s is a file, not a sweep directory: give the --out directory of a sweep", dir)
	case errors.Is(err, fs.ErrNotExist):
		return nil, refuse("%s does not exist: give the --out directory of a sweep", dir)
	}
	m, ok, err := ReadManifest(fsys, dir)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, refuse("%s is not a sweep directory: it has no manifest.json", dir)
	}
	manifest := filepath.Join(dir, "manifest.json")
	plan, err := m.Plan(manifest)
	if err != nil {
		return nil, err
	}
	runs, bad, err := plan.ReadRuns(fsys, dir, m.SHA256)
	if err != nil {
		return nil, err
	}
	shardFlag := ""
	if m.Shard != "" {
		shardFlag = " --shard " + m.Shard
	}
	repair := fmt.Sprintf("to repair %s, rerun the sweep that wrote it into it (schoolnet sweep SCENARIO%s --out %s), which", dir, shardFlag, dir)
	if len(bad) > 0 {
		return nil, refuse("%v; %s runs that run again, then merge again", bad[0], repair)
	}
	for _, i := range slices.Sorted(maps.Keys(runs)) {
		if !runs[i].Recorded {
			return nil, refuse("%s is not recorded in %s (the sweep that wrote it was stopped before it ended); %s records the runs it finds, then merge again", runs[i].Path, manifest, repair)
		}
	}
	return &Shard{Dir: dir, Manifest: m, Plan: plan, Runs: runs}, nil
}

// SameBinaries returns a note if the shards were written by binaries of
// different commits or, where a commit is unknown (a binary built with
// -buildvcs=false or outside a Git checkout), by different executables
// (their SHA-256), whose runs belong together only if the model did not
// change between them; "" if they were not.
func SameBinaries(shards []*Shard) string {
	first := shards[0].Manifest
	for _, s := range shards[1:] {
		m := s.Manifest
		switch {
		case first.Commit != "unknown" && m.Commit != "unknown":
			if m.Commit != first.Commit {
				return fmt.Sprintf("%s and %s were written by binaries of commits %s and %s; their runs belong together only if the model did not change between them",
					shards[0].Dir, s.Dir, first.Commit, m.Commit)
			}
		case first.Binary == "" || m.Binary == "":
			return fmt.Sprintf("%s or %s records neither the commit nor the SHA-256 of the binary that wrote it; merge cannot check that the shards were made by the same model",
				shards[0].Dir, s.Dir)
		case m.Binary != first.Binary:
			return fmt.Sprintf("%s and %s were written by different binaries (SHA-256 %.12s… and %.12s…) whose commits are unknown (built with -buildvcs=false?); their runs belong together only if the model did not change between them",
				shards[0].Dir, s.Dir, first.Binary, m.Binary)
		}
	}
	return ""
}

// MissingShards names the shards the runs missing belong to, when the
// manifests say how the sweep was sharded.
func MissingShards(shards []*Shard, missing []int) string {
	n := 0
	for _, s := range shards {
		if _, b, ok := strings.Cut(s.Manifest.Shard, "/"); ok {
			n, _ = strconv.Atoi(b)
		}
	}
	if n < 1 {
		return ""
	}
	var names []string
	seen := map[int]bool{}
	for _, i := range missing {
		if !seen[i%n] {
			seen[i%n] = true
			names = append(names, fmt.Sprintf("%d/%d", i%n+1, n))
		}
	}
	return "shard " + strings.Join(names, ", ")
}

// RefusedError is an input that Run or Merge refuses before it runs or
// writes anything (`schoolnet sweep` and `merge` exit with status 2): a
// directory of another sweep, a run file changed or not recorded, a
// folder that holds files schoolnet did not write.
type RefusedError struct{ Err error }

func (e *RefusedError) Error() string { return e.Err.Error() }
func (e *RefusedError) Unwrap() error { return e.Err }

func refuse(format string, args ...any) error {
	return &RefusedError{fmt.Errorf(format, args...)}
}
