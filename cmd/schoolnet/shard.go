package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"

	"schoolnet/results"
	"schoolnet/scenarios"
)

// runFile is one run file of a sweep directory, read and checked.
type runFile struct {
	path string // where it was read
	data []byte
	run  results.SweepRun
	// recorded is true when the directory's manifest records the file's
	// SHA-256 (and it matched): a run written after the manifest, by a
	// sweep killed before it could write its last one, is not.
	recorded bool
}

// sweepManifest is the part of a sweep directory's manifest.json that
// resuming and merging read.
type sweepManifest struct {
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

// readSweepManifest reads manifest.json of the directory fsys, whose path
// dir names it in messages; ok is false if there is none.
func readSweepManifest(fsys fs.FS, dir string) (m sweepManifest, ok bool, err error) {
	p := filepath.Join(dir, "manifest.json")
	data, err := fs.ReadFile(fsys, "manifest.json")
	if errors.Is(err, fs.ErrNotExist) {
		return m, false, nil
	} else if err != nil {
		return m, false, err
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return m, false, fmt.Errorf("%s: %w", p, err)
	}
	if m.ScenarioHash == "" {
		return m, false, fmt.Errorf("%s has no scenario_hash", p)
	}
	return m, true, nil
}

// plan reads the sweep's plan from the manifest's resolved scenario.
func (m *sweepManifest) plan(path string) (*sweepPlan, error) {
	var scn struct {
		Sweep scenarios.SweepSpec
	}
	if err := json.Unmarshal(m.Scenario, &scn); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	sw := &scn.Sweep
	if !sw.Defined() || len(sw.Params) == 0 || sw.Replications < 1 || sw.NumPoints() < 1 {
		return nil, fmt.Errorf("%s is not the manifest of a sweep: its scenario has no [sweep] table", path)
	}
	// Bounded as a [sweep] table is, so that a damaged manifest cannot ask
	// merge for a billion runs.
	if n, r := sw.NumPoints(), sw.Replications; n > scenarios.MaxSweepRuns || r > scenarios.MaxSweepRuns || n*r > scenarios.MaxSweepRuns {
		return nil, fmt.Errorf("%s is not the manifest of a sweep schoolnet ran: %d points × %d replications is more than %d runs", path, n, r, scenarios.MaxSweepRuns)
	}
	return &sweepPlan{keys: sw.Keys(), method: sw.Method, points: sw.NumPoints(), reps: sw.Replications, outcome: sw.Outcome}, nil
}

// runName matches the name of a run file, p<point>-r<rep>.csv.
var runName = regexp.MustCompile(`^p([0-9]{1,7})-r([0-9]{1,7})\.csv$`)

// index returns the run number of the run file name, false if name is
// not the name of a run of the plan.
func (p *sweepPlan) index(name string) (int, bool) {
	m := runName.FindStringSubmatch(name)
	if m == nil {
		return 0, false
	}
	pt, _ := strconv.Atoi(m[1])
	r, _ := strconv.Atoi(m[2])
	i := pt*p.reps + r
	if pt >= p.points || r >= p.reps || p.name(i) != name {
		return 0, false
	}
	return i, true
}

// readRuns reads the run files of the plan in the runs/ folder of the
// sweep directory fsys (dir names it in messages), skipping other names
// (temporaries among them). A file is checked against sums, the SHA-256
// the directory's manifest records by path ("runs/p0-r0.csv"). It
// returns the good files by run number, and an error for each file that
// is not its run of the sweep or differs from its recorded SHA-256.
func (p *sweepPlan) readRuns(fsys fs.FS, dir string, sums map[string]string) (map[int]runFile, []error, error) {
	entries, err := fs.ReadDir(fsys, "runs")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	} else if err != nil {
		return nil, nil, err
	}
	found := map[int]runFile{}
	var bad []error
	for _, e := range entries {
		i, ok := p.index(e.Name())
		if !ok || !e.Type().IsRegular() {
			continue
		}
		rel := path.Join("runs", e.Name())
		file := filepath.Join(dir, "runs", e.Name())
		data, err := fs.ReadFile(fsys, rel)
		if err != nil {
			return nil, nil, err
		}
		run, _, err := p.parseRun(file, i, data)
		if err != nil {
			bad = append(bad, err)
			continue
		}
		h := sha256.Sum256(data)
		want, recorded := sums[rel]
		if recorded && want != hex.EncodeToString(h[:]) {
			bad = append(bad, &alteredRun{file})
			continue
		}
		found[i] = runFile{path: file, data: data, run: run, recorded: recorded}
	}
	return found, bad, nil
}

// alteredRun is the error of a run file whose SHA-256 is not the one its
// directory's manifest records.
type alteredRun struct{ path string }

func (e *alteredRun) Error() string {
	return fmt.Sprintf("%s was changed after its sweep wrote it (its SHA-256 is not the one %s records)",
		e.path, filepath.Join(filepath.Dir(filepath.Dir(e.path)), "manifest.json"))
}

// shard is a sweep directory as merge reads it.
type shard struct {
	dir  string
	m    sweepManifest
	plan *sweepPlan
	runs map[int]runFile
}

// readShard reads the sweep directory fsys, whose path is dir: its
// manifest and its run files, each of which must be its run of the sweep
// and recorded in the manifest with its SHA-256. An error says which
// file is wrong and how to repair the directory.
func readShard(fsys fs.FS, dir string) (*shard, error) {
	m, ok, err := readSweepManifest(fsys, dir)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%s is not a sweep directory: it has no manifest.json", dir)
	}
	manifest := filepath.Join(dir, "manifest.json")
	plan, err := m.plan(manifest)
	if err != nil {
		return nil, err
	}
	runs, bad, err := plan.readRuns(fsys, dir, m.SHA256)
	if err != nil {
		return nil, err
	}
	shardFlag := ""
	if m.Shard != "" {
		shardFlag = " --shard " + m.Shard
	}
	repair := fmt.Sprintf("to repair %s, rerun the sweep that wrote it into it (schoolnet sweep SCENARIO%s --out %s), which", dir, shardFlag, dir)
	if len(bad) > 0 {
		return nil, fmt.Errorf("%w; %s runs that run again, then merge again", bad[0], repair)
	}
	for _, i := range slices.Sorted(maps.Keys(runs)) {
		if !runs[i].recorded {
			return nil, fmt.Errorf("%s is not recorded in %s (the sweep that wrote it was stopped before it ended); %s records the runs it finds, then merge again", runs[i].path, manifest, repair)
		}
	}
	return &shard{dir: dir, m: m, plan: plan, runs: runs}, nil
}

// names are the top-level entries of the sweep's directory.
func (p *sweepPlan) names() []string {
	names := []string{"runs/", "runs.csv", "points.csv", "manifest.json"}
	for _, key := range p.keys {
		names = append(names, "sweep-"+fileSafe(key)+".png", "sweep-"+fileSafe(key)+".svg")
	}
	return names
}

// stage puts the run files found into f's runs/: as hard links to them
// with link, else as copies of their bytes. If final and every run of
// the sweep is there, it also writes runs.csv, points.csv and the charts,
// whose names it returns; otherwise it returns the runs missing. Then it
// writes f's manifest m.
func (p *sweepPlan) stage(f *results.Folder, found map[int]runFile, link, final bool, m *results.Manifest) (files []string, missing []int, err error) {
	if err := f.Mkdir("runs"); err != nil {
		return nil, nil, err
	}
	var runs []results.SweepRun
	for i := range p.runs() {
		r, ok := found[i]
		if !ok {
			missing = append(missing, i)
			continue
		}
		name := path.Join("runs", p.name(i))
		if link {
			err = f.Keep(name, r.path)
		} else {
			err = f.Write(name, func(w io.Writer) error { _, err := w.Write(r.data); return err })
		}
		if err != nil {
			return nil, nil, err
		}
		runs = append(runs, r.run)
	}
	m.Runs, m.RunsPlanned = len(found), p.runs()
	if !final || len(missing) > 0 {
		return nil, missing, f.WriteManifest(m)
	}
	for i := range runs {
		if i%p.reps > 0 && !slices.Equal(runs[i].Params, runs[i-1].Params) {
			return nil, nil, fmt.Errorf("%s and %s set different values for point %d", p.name(i-1), p.name(i), runs[i].Point)
		}
	}
	out := []namedWrite{
		{name: "runs.csv", write: func(w io.Writer) error { return results.WriteSweepRuns(w, p.keys, runs) }},
		{name: "points.csv", write: func(w io.Writer) error { return results.WriteSweepPoints(w, p.keys, runs) }},
	}
	for k, key := range p.keys {
		chart := &results.SweepChart{Key: key, Param: k, Outcome: p.outcome, Runs: runs}
		for _, format := range []string{"png", "svg"} {
			out = append(out, namedWrite{name: "sweep-" + fileSafe(key) + "." + format, write: func(w io.Writer) error { return chart.Write(w, format) }})
		}
	}
	for _, w := range out {
		files = append(files, w.name)
	}
	return files, nil, writeFiles(f, out, m, "schoolnet sweep")
}
