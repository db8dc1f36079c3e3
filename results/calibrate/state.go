package calibrate

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"

	"schoolnet/results"
	"schoolnet/targets"
)

// The calibration directory. Everything a calibration has done is in
// files, each written atomically (results.WriteFile) the moment it is
// done, so a calibration that was stopped resumes where it was, and
// shards on a shared file system work on one directory:
//
//	calibration.json                 what is calibrated (checked on resume)
//	generations/g<t>/proposals.csv   generation t's particles to simulate
//	generations/g<t>/p<i>.csv        particle i, simulated
//	generations/g<t>/population.csv  the particles generation t keeps
//	generations/g<t>/closed.csv      its tolerance and acceptance (last)
//	generations/defaults.csv         the parameters' defaults, simulated
//
// Numbers are written in the shortest form that reads back exactly, so a
// resumed calibration computes the same bits as one never stopped.
const (
	planFile    = "calibration.json"
	generations = "generations"
)

// plan is calibration.json: the inputs of the calibration, and their hash.
type plan struct {
	Program  string           `json:"program"`
	Targets  string           `json:"targets"`
	Hash     string           `json:"targets_sha256"`
	Params   []string         `json:"params"`
	Settings targets.Settings `json:"settings"`
}

func (m *Model) plan() plan {
	p := plan{Program: "schoolnet calibrate", Targets: m.File.Name, Hash: m.File.Hash(), Settings: m.Settings}
	for _, q := range m.Params {
		p.Params = append(p.Params, q.Key)
	}
	return p
}

// ErrOtherCalibration is the error of a directory that holds another
// calibration.
var ErrOtherCalibration = errors.New("calibrate: the directory holds another calibration")

// checkPlan checks that the plan in dir, if any, is this calibration's;
// with write, it writes the plan there if there is none.
func (m *Model) checkPlan(dir string, write bool) error {
	want, _ := json.MarshalIndent(m.plan(), "", "  ")
	want = append(want, '\n')
	p := filepath.Join(dir, planFile)
	got, err := os.ReadFile(p)
	switch {
	case errors.Is(err, fs.ErrNotExist) && !write:
		return nil
	case errors.Is(err, fs.ErrNotExist):
		return results.WriteFile(p, func(w io.Writer) error { _, err := w.Write(want); return err })
	case err != nil:
		return fmt.Errorf("calibrate: %w", err)
	case !bytes.Equal(got, want):
		return fmt.Errorf("%w: %s differs from this calibration's (other targets, scenarios, parameters or settings); choose another --out or remove it", ErrOtherCalibration, p)
	}
	return nil
}

func genDir(t int) string          { return path.Join(generations, "g"+strconv.Itoa(t)) }
func particleFile(t, i int) string { return path.Join(genDir(t), "p"+strconv.Itoa(i)+".csv") }

const defaultsFile = generations + "/defaults.csv"

// num writes x in the shortest form that reads back exactly.
func num(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// particleColumns are the columns of proposals and particle files.
func (m *Model) particleColumns(stats bool) []string {
	cols := []string{"generation", "particle", "weight"}
	if stats {
		cols = append(cols, "distance")
	}
	for _, p := range m.Params {
		cols = append(cols, p.Key)
	}
	if stats {
		for _, t := range m.File.Targets {
			cols = append(cols, t.Name)
		}
	}
	return cols
}

func (m *Model) particleRow(p *Particle, stats bool) []string {
	row := []string{strconv.Itoa(p.Generation), strconv.Itoa(p.Index), num(p.Weight)}
	if stats {
		row = append(row, num(p.Distance))
	}
	for _, x := range p.Theta {
		row = append(row, num(x))
	}
	if stats {
		for _, x := range p.Stats {
			row = append(row, num(x))
		}
	}
	return row
}

// writeParticles writes particles as CSV, with their statistics or not.
func (m *Model) writeParticles(w io.Writer, ps []Particle, stats bool) error {
	cw := csv.NewWriter(w)
	cw.Write(m.particleColumns(stats))
	for i := range ps {
		cw.Write(m.particleRow(&ps[i], stats))
	}
	cw.Flush()
	return cw.Error()
}

// readParticles reads a file writeParticles wrote; an error says what is
// wrong with it.
func (m *Model) readParticles(data []byte, stats bool) ([]Particle, error) {
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		return nil, err
	}
	cols := m.particleColumns(stats)
	if len(rows) == 0 || !slices.Equal(rows[0], cols) {
		return nil, errors.New("not a particle file of this calibration (its columns differ)")
	}
	d := len(m.Params)
	var out []Particle
	for _, row := range rows[1:] {
		var p Particle
		var err error
		ints := []*int{&p.Generation, &p.Index}
		for k, q := range ints {
			if *q, err = strconv.Atoi(row[k]); err != nil {
				return nil, err
			}
		}
		x := make([]float64, len(row)-2)
		for k := range x {
			if x[k], err = strconv.ParseFloat(row[2+k], 64); err != nil {
				return nil, err
			}
		}
		p.Weight, x = x[0], x[1:]
		if stats {
			p.Distance, x = x[0], x[1:]
		}
		p.Theta = x[:d:d]
		if stats {
			p.Stats = x[d:]
		}
		out = append(out, p)
	}
	return out, nil
}

// readFile reads the particles of a file of dir, ok false if it is not
// there.
func (m *Model) readFile(dir, name string, stats bool) (ps []Particle, ok bool, err error) {
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	} else if err != nil {
		return nil, false, fmt.Errorf("calibrate: %w", err)
	}
	ps, err = m.readParticles(data, stats)
	if err != nil {
		return nil, false, fmt.Errorf("calibrate: %s: %w", filepath.Join(dir, name), err)
	}
	return ps, true, nil
}

// writeFile writes a file of dir atomically.
func writeFile(dir, name string, write func(io.Writer) error) error {
	return results.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), write)
}

// closedColumns are the columns of closed.csv and generations.csv.
var closedColumns = []string{"generation", "epsilon", "acceptance", "simulated", "kept", "ess"}

func closedRow(g *Generation) []string {
	return []string{strconv.Itoa(g.Number), num(g.Epsilon), num(g.Acceptance), strconv.Itoa(g.Simulated),
		strconv.Itoa(len(g.Kept)), num(g.ESS())}
}

// writeGeneration writes a closed generation: its kept particles, then
// the closed.csv that marks it closed.
func (m *Model) writeGeneration(dir string, g *Generation) error {
	if err := writeFile(dir, path.Join(genDir(g.Number), "population.csv"), func(w io.Writer) error {
		return m.writeParticles(w, g.Kept, true)
	}); err != nil {
		return err
	}
	return writeFile(dir, path.Join(genDir(g.Number), "closed.csv"), func(w io.Writer) error {
		cw := csv.NewWriter(w)
		cw.Write(closedColumns)
		cw.Write(closedRow(g))
		cw.Flush()
		return cw.Error()
	})
}

// readGeneration reads closed generation t, ok false if it is not closed.
func (m *Model) readGeneration(dir string, t int) (*Generation, bool, error) {
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(path.Join(genDir(t), "closed.csv"))))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	} else if err != nil {
		return nil, false, fmt.Errorf("calibrate: %w", err)
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil || len(rows) != 2 || len(rows[1]) != len(closedColumns) {
		return nil, false, fmt.Errorf("calibrate: %s/closed.csv is damaged; remove it to close the generation again", genDir(t))
	}
	g := &Generation{Number: t}
	g.Epsilon, _ = strconv.ParseFloat(rows[1][1], 64)
	g.Acceptance, _ = strconv.ParseFloat(rows[1][2], 64)
	g.Simulated, _ = strconv.Atoi(rows[1][3])
	kept, ok, err := m.readFile(dir, path.Join(genDir(t), "population.csv"), true)
	if err != nil {
		return nil, false, err
	}
	if !ok {
		return nil, false, fmt.Errorf("calibrate: %s has closed.csv but no population.csv; remove closed.csv to close it again", genDir(t))
	}
	g.Kept = kept
	return g, true, nil
}

// stateFiles returns the paths of every file of the calibration's state in
// dir, relative to it, in a fixed order: what a result folder keeps.
func stateFiles(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(filepath.Join(dir, generations), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() && filepath.Ext(p) == ".csv" && d.Name()[0] != '.' {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		err = nil
	}
	slices.Sort(out)
	return out, err
}

// StateFiles returns the calibration's state files in dir,
// calibration.json and those under generations/, as slash-separated
// paths relative to dir in a fixed order: what its result folder keeps.
func (r *Result) StateFiles(dir string) ([]string, error) {
	files, err := stateFiles(dir)
	return append([]string{planFile}, files...), err
}
