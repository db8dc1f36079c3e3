package results

import (
	"fmt"
	"io"

	"schoolnet/results/statistics"
	"schoolnet/sim"
)

// RunFiles are the tables of one run of a scenario, as `schoolnet run`
// writes them: yearly, schools, treatments (in Format) and summary (always
// CSV: it is small).
type RunFiles struct {
	ID RunID
	// Policies names the scenario's policies in order: policy p is bit p
	// of agents.Membership.Treated.
	Policies []string
	Format   Format
	// Records and Metrics are the replications' yearly school records
	// and their summaries.
	Records [][]sim.YearRecord
	Metrics [][]sim.YearMetrics
	// Draw, with an ensemble, is each replication's parameter draw
	// (summary.csv's intervals count the draws' spread); nil without.
	Draw []int
	// Statistics, if not nil, are the replications' statistics
	// (results/statistics), written to statistics.csv.
	Statistics []statistics.Replication
}

// runTables are the tables of a run, in the order they are written;
// statistics.csv only when the run has its statistics (tables).
var runTables = []*Schema{&YearlySchema, &SchoolSchema, &TreatmentSchema, &SummarySchema, &StatisticsSchema}

// tables returns the run's tables, in the order they are written.
func (r *RunFiles) tables() []*Schema {
	if r.Statistics == nil {
		return runTables[:len(runTables)-1]
	}
	return runTables
}

// format returns the format of table s.
func (r *RunFiles) format(s *Schema) Format {
	if s == &SummarySchema || r.Format == "" {
		return CSV
	}
	return r.Format
}

// Names returns the names of the run's table files, in order.
func (r *RunFiles) Names() []string {
	var out []string
	for _, s := range r.tables() {
		out = append(out, r.format(s).File(s.Name))
	}
	return out
}

// RunFileNames returns every name a run's folder may hold in any format,
// the data package and the manifest included.
func RunFileNames() []string {
	var out []string
	for _, s := range runTables {
		for _, f := range Formats {
			out = append(out, f.File(s.Name))
		}
	}
	return append(out, "datapackage.json", "manifest.json")
}

// WriteTo writes the table file name (one of Names) to w.
func (r *RunFiles) WriteTo(w io.Writer, name string) error {
	for _, s := range r.tables() {
		if r.format(s).File(s.Name) != name {
			continue
		}
		switch s {
		case &YearlySchema:
			return WriteYearly(w, r.Format, r.ID, r.Metrics)
		case &SchoolSchema:
			return WriteSchools(w, r.Format, r.ID, r.Records)
		case &TreatmentSchema:
			return WriteTreatments(w, r.Format, r.ID, r.Policies, r.Records)
		case &SummarySchema:
			return WriteSummary(w, r.ID, r.Metrics, r.Draw)
		case &StatisticsSchema:
			return WriteStatistics(w, r.Format, r.ID, r.Statistics)
		}
	}
	return fmt.Errorf("results: a run has no file %q", name)
}

// DataPackage returns the datapackage.json of the run's tables.
func (r *RunFiles) DataPackage() *DataPackage {
	p := &DataPackage{Name: "schoolnet-run-" + r.ID.Scenario, Title: "schoolnet run of " + r.ID.Scenario,
		Description: "A run of the scenario " + r.ID.Scenario + " (seed and scenario hash in every row and in manifest.json); columns documented in docs/RESULTS.md."}
	for _, s := range r.tables() {
		p.Resources = append(p.Resources, Resource{Path: r.format(s).File(s.Name), Format: r.format(s), Schema: s})
	}
	return p
}

// Write writes the run's tables and their datapackage.json into f; the
// caller then writes f's manifest.
func (r *RunFiles) Write(f *Folder) error {
	for _, res := range r.DataPackage().Resources {
		if err := f.WriteTable(res.Path, res.Schema, res.Format, func(w io.Writer) error { return r.WriteTo(w, res.Path) }); err != nil {
			return err
		}
	}
	p := r.DataPackage()
	return f.WriteDataPackage(p.Name, p.Title, p.Description)
}
