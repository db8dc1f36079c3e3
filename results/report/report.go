package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"schoolnet/results"
)

//go:embed report.html.tmpl
var pageTemplate string

var tmpl = template.Must(template.New("report").Parse(pageTemplate))

// page is what the template shows.
type page struct {
	Title, Subtitle string
	// Compare is true for a comparison, false for a single run.
	Compare bool
	// Ensemble is true for a comparison over parameter draws (compare
	// --ensemble): the effects table adds the plausible-world interval,
	// the parametric share and the probability of beating the reference.
	Ensemble  bool
	Reference string
	Year      int
	Summary   []sentence
	Figures   []Figure
	Effects   []effectGroup
	Summaries []summaryRow
	Equity    equity
	Scenarios []scenarioView
	Caveats   Caveats
	Appendix  appendix
}

// sentence is prose with numbers: each part is text or a number quoted
// from a result file.
type sentence []part

type part struct {
	Text string
	// Num, when not nil, is the number the text shows.
	Num *numRef
}

// numRef points at the cell of a result file a shown number comes from:
// the page carries it in data-* attributes, so that anyone (and the
// tests) can check the report against the files.
type numRef struct {
	Src, Scenario, Outcome, Col, Value string
}

// cell is a table cell: a number with its source, or text.
type cell struct {
	Text string
	Num  *numRef
}

type effectGroup struct {
	Outcome, Unit, Description string
	Rows                       []effectRow
}

type effectRow struct {
	Scenario                string
	Mean, Diff, Low, High   cell
	Replications, Certainty string
	// With an ensemble: compare.csv's pi_low, pi_high, parametric_share
	// and p_better.
	PILow, PIHigh, Share, PBetter cell
}

type summaryRow struct {
	Outcome, Unit, Description string
	Mean, Low, High            cell
}

type equity struct {
	Year    int
	Names   []string
	Rows    []equityRow
	SES     bool
	SESNote string
	GapRows []equityRow
}

type equityRow struct {
	Label string
	Cells []cell
}

type scenarioView struct {
	Name, Description, Hash string
	Reference               bool
	Policies                []Policy
	Changes                 []Setting
	Roster                  *rosterView
}

type rosterView struct {
	File, SHA256 string
	Schools      int
	Districts    string
	Filled       []string
	// SameAs names an earlier scenario with the same roster.
	SameAs string
}

type appendix struct {
	Facts     []Setting
	Scenarios []Setting
	Files     []Setting
}

// generator is the tag by which a page is known as schoolnet's report
// (report.html.tmpl writes it in the page's head).
const generator = `<meta name="generator" content="schoolnet report">`

// IsReport reports whether a file's first bytes, head, are those of a
// page Write wrote: only such a file may be replaced by a report
// (results.CheckFile).
func IsReport(head []byte) bool { return strings.Contains(string(head), generator) }

// Write writes the report of folder f as one self-contained HTML page.
func Write(w io.Writer, f *Folder) error {
	p, err := build(f)
	if err != nil {
		return err
	}
	return tmpl.Execute(w, p)
}

func build(f *Folder) (*page, error) {
	p := &page{Compare: f.Command == "compare", Reference: f.Scenarios[0].Name, Year: f.Year}
	ref := f.Scenarios[0]
	var err error
	if p.Figures, err = f.figures(); err != nil {
		return nil, err
	}
	if p.Caveats, err = caveats(); err != nil {
		return nil, err
	}
	reps := f.replications()
	seed := value(f.Manifest["seed"])
	system := systemWords(ref)
	if p.Compare {
		var others []string
		for _, sc := range f.Scenarios[1:] {
			others = append(others, sc.Name)
		}
		p.Title = "What " + strings.Join(others, ", ") + " would do, compared with " + ref.Name
		p.Summary = f.compareSummary(system, reps)
		p.Effects = f.effectGroups()
		p.Ensemble = f.ensemble()
	} else {
		p.Title = "What happens in " + ref.Name
		p.Summary = f.runSummary(system, reps)
		p.Summaries = f.summaryRows()
	}
	p.Subtitle = fmt.Sprintf("%s · %d years · %d replications · seed %s · outcomes in year %d", system, f.Years, reps, seed, f.Year)
	p.Equity = f.equity()
	for k, sc := range f.Scenarios {
		v := scenarioView{Name: sc.Name, Description: str(sc.Spec["Description"]), Hash: str(sc.Manifest["scenario_hash"]),
			Reference: k == 0 && p.Compare, Policies: sc.policies()}
		if k > 0 {
			v.Changes = changes(ref, sc)
		}
		if r, ok := path(sc.Spec, "Population", "Roster").(map[string]any); ok {
			rv := &rosterView{File: str(r["file"]), SHA256: str(r["sha256"]), Schools: len(list(r["schools"]))}
			var ds []string
			for _, d := range list(r["districts"]) {
				ds = append(ds, str(d))
			}
			rv.Districts = strings.Join(ds, ", ")
			for _, x := range list(r["filled"]) {
				rv.Filled = append(rv.Filled, str(x))
			}
			for _, prev := range p.Scenarios {
				if prev.Roster != nil && prev.Roster.SHA256 == rv.SHA256 && rv.SameAs == "" {
					rv.SameAs = prev.Name
				}
			}
			v.Roster = rv
		}
		p.Scenarios = append(p.Scenarios, v)
	}
	p.Appendix = f.appendix()
	return p, nil
}

// systemWords describes the school system: "48 schools from roster
// district-example.csv" or "100 schools in 4 districts".
func systemWords(sc *Scenario) string {
	if r, ok := path(sc.Spec, "Population", "Roster").(map[string]any); ok {
		return fmt.Sprintf("%d schools from roster %s", len(list(r["schools"])), str(r["file"]))
	}
	d, s := num(path(sc.Spec, "Population", "Districts")), num(path(sc.Spec, "Population", "SchoolsPerDistrict"))
	return fmt.Sprintf("%.0f synthetic schools in %.0f districts", d*s, d)
}

// decimals by unit, as the terminal tables print them.
var decimals = results.Decimals

// format prints x with d decimals, thousands separated, signed if sign.
func format(x float64, d int, sign bool) string {
	if math.IsNaN(x) {
		return "–"
	}
	s := strconv.FormatFloat(math.Abs(x), 'f', d, 64)
	if s == strconv.FormatFloat(0, 'f', d, 64) {
		x = 0 // no "−0.000"
	}
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString("." + frac)
	}
	switch {
	case x < 0:
		return "−" + b.String()
	case sign:
		return "+" + b.String()
	}
	return b.String()
}

// effectNum is a number of compare.csv as a cell.
func effectNum(e *Effect, col string, d int, sign bool) cell {
	raw := e.Raw[col]
	x, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		return cell{Text: "–"}
	}
	return cell{Text: format(x, d, sign), Num: &numRef{Src: "compare.csv", Scenario: e.Scenario, Outcome: e.Outcome, Col: col, Value: raw}}
}

func (c cell) part() part { return part{Text: c.Text, Num: c.Num} }

func text(s string) part { return part{Text: s} }

// certainty says in words how sure the model is of a difference, of
// the reps replications run.
func certainty(e *Effect, reps int) string {
	switch {
	case math.IsNaN(e.Diff):
		return "not defined"
	case e.N < 2 && reps > 1:
		return fmt.Sprintf("defined in one of %d replications: no interval", reps)
	case e.N < 2:
		return "one replication: no interval"
	case e.Lo == e.Hi:
		return "exact"
	case e.Lo > 0:
		return "above zero"
	case e.Hi < 0:
		return "below zero"
	}
	return "includes zero"
}

// replications is the number of replications the folder's results hold,
// from its manifest.
func (f *Folder) replications() int { return int(num(f.Manifest["replications"])) }

// ensemble reports whether the comparison ran over parameter draws.
func (f *Folder) ensemble() bool {
	return len(f.Effects) > 0 && f.Effects[0].Raw["uncertainty"] == results.ParametricStochastic
}

// effectGroups are compare.csv's rows by outcome, in the file's order.
func (f *Folder) effectGroups() []effectGroup {
	var out []effectGroup
	for i := range f.Effects {
		e := &f.Effects[i]
		if len(out) == 0 || out[len(out)-1].Outcome != e.Outcome {
			out = append(out, effectGroup{Outcome: e.Outcome, Unit: e.Unit, Description: describe(f, e.Outcome)})
		}
		d := decimals(e.Unit)
		row := effectRow{Scenario: e.Scenario, Mean: effectNum(e, "mean", d, false), Diff: effectNum(e, "diff", d, true),
			Low: effectNum(e, "diff_ci_low", d, true), High: effectNum(e, "diff_ci_high", d, true),
			Replications: strconv.Itoa(e.N), Certainty: certainty(e, f.replications()),
			PILow: effectNum(e, "pi_low", d, true), PIHigh: effectNum(e, "pi_high", d, true),
			Share: effectNum(e, "parametric_share", 2, false), PBetter: effectNum(e, "p_better", 2, false)}
		if e.Scenario == f.Scenarios[0].Name {
			row.Certainty = "reference"
		}
		g := &out[len(out)-1]
		g.Rows = append(g.Rows, row)
	}
	return out
}

// describe returns an outcome's description from the reference's
// summary.csv, or the derived outcome's.
func describe(f *Folder, outcome string) string {
	if outcome == "weak_effect_per_million_rmb" {
		return "gain in weak schools' composite over the reference per million RMB of extra reform money"
	}
	if row, ok := f.Scenarios[0].summary(outcome); ok {
		return results.AtYear(row["description"], f.Year, f.Years)
	}
	return ""
}

// summaryRows are a single run's summary.csv.
func (f *Folder) summaryRows() []summaryRow {
	sc := f.Scenarios[0]
	t := sc.Summary
	var out []summaryRow
	for _, row := range t.Rows {
		unit := t.Str(row, "unit")
		d := decimals(unit)
		c := func(col string) cell {
			raw := t.Str(row, col)
			x, err := strconv.ParseFloat(raw, 64)
			if err != nil {
				return cell{Text: "–"}
			}
			return cell{Text: format(x, d, false), Num: &numRef{Src: "summary.csv", Scenario: sc.Name, Outcome: t.Str(row, "outcome"), Col: col, Value: raw}}
		}
		out = append(out, summaryRow{Outcome: t.Str(row, "outcome"), Unit: unit, Description: t.Str(row, "description"),
			Mean: c("mean"), Low: c("ci_low"), High: c("ci_high")})
	}
	return out
}

// compareSummary is the plain-language summary of a comparison.
func (f *Folder) compareSummary(system string, reps int) []sentence {
	ref := f.Scenarios[0]
	var out []sentence
	others := f.Scenarios[1:]
	out = append(out, sentence{text(fmt.Sprintf("This report compares %s with %s on %s, over %d years, each run %d times with the same random draws (replications), and reads the outcomes in year %d.",
		names(others), ref.Name, system, f.Years, reps, f.Year))})

	growth := num(path(ref.Spec, "Model", "GrowthPerYear"))
	// The reform that lifts weak schools most.
	var best *Effect
	var without []string // the scenarios whose systems have no weak schools
	for k, sc := range f.Scenarios {
		e, ok := f.effect(sc.Name, "weak_composite")
		if ok && math.IsNaN(e.Mean) {
			without = append(without, sc.Name)
		}
		if k > 0 && ok && !math.IsNaN(e.Diff) && (best == nil || e.Diff > best.Diff) {
			best = e
		}
	}
	switch {
	case best == nil && len(without) == len(f.Scenarios):
		out = append(out, sentence{text("The systems compared have no weak schools, so the reforms' effect on weak schools is not defined; the outcomes that are defined are in the tables.")})
	case best == nil && len(without) > 0:
		out = append(out, sentence{text(fmt.Sprintf("The effect on weak schools is not defined: %s %s no weak schools to compare.", list2(without), plural(len(without), "has", "have")))})
	}
	if best != nil {
		d := decimals(best.Unit)
		s := sentence{}
		most := " most"
		if len(others) == 1 {
			most = ""
		}
		if best.Diff > 0 {
			s = append(s, text(best.Scenario+" lifts the weak schools' achievement"+most+": by "), effectNum(best, "diff", d, true).part(), text(fmt.Sprintf(" SD in year %d", f.Year)))
		} else {
			s = append(s, text("None of the reforms lifts the weak schools' achievement: the largest change, "+best.Scenario+"'s, is "), effectNum(best, "diff", d, true).part(), text(" SD"))
		}
		if best.N >= 2 {
			s = append(s, text(" (95% interval "), effectNum(best, "diff_ci_low", d, true).part(), text(" to "), effectNum(best, "diff_ci_high", d, true).part(), text(")"))
		}
		if growth > 0 && best.Diff > 0 {
			s = append(s, text(fmt.Sprintf(", about %s school years of learning at the model's growth of %s SD a year",
				format(best.Diff/growth, 1, false), format(growth, 2, false))))
		}
		s = append(s, text("."))
		out = append(out, s)
		out = append(out, f.sureness(others, best))
	}

	// Per million RMB.
	var pm *Effect
	for _, sc := range others {
		if e, ok := f.effect(sc.Name, "weak_effect_per_million_rmb"); ok && !math.IsNaN(e.Mean) && (pm == nil || e.Mean > pm.Mean) {
			pm = e
		}
	}
	spends := false
	for _, sc := range others {
		if c, ok := f.effect(sc.Name, "cost_money"); ok && c.Diff > 0 {
			spends = true
		}
	}
	switch {
	case pm == nil && spends:
		out = append(out, sentence{text("An effect per million RMB is not defined here: the effect on weak schools that it divides by the money is not; what the reforms cost is in the table.")})
	case pm == nil:
		out = append(out, sentence{text("None of the reforms spends reform money, so an effect per million RMB is not defined; what they cost in teacher and travel hours is in the table.")})
	default:
		d := decimals(pm.Unit)
		what := " lifts weak schools most: "
		if len(others) == 1 {
			what = " lifts weak schools by "
		}
		s := sentence{text("Per million RMB of extra reform money, " + pm.Scenario + what), effectNum(pm, "mean", d, true).part(), text(" SD per million RMB")}
		if pm.N >= 2 {
			s = append(s, text(" (95% interval "), effectNum(pm, "diff_ci_low", d, true).part(), text(" to "), effectNum(pm, "diff_ci_high", d, true).part(), text(")"))
		}
		if c, ok := f.effect(pm.Scenario, "cost_money"); ok {
			s = append(s, text(", for "), effectNum(c, "diff", 0, false).part(), text(" RMB more than "+ref.Name+" over the run"))
		}
		out = append(out, append(s, text(".")))
	}

	// Equity, for the reform that lifts weak schools most.
	if best != nil {
		s := sentence{text("Equity: with " + best.Scenario + ", ")}
		n := 0
		for _, g := range []struct{ outcome, what string }{
			{"gap_strong_weak", "the gap between strong and weak schools"},
			{"gap_migrant_local", "migrant students' gap to local students"},
		} {
			e, ok := f.effect(best.Scenario, g.outcome)
			r, ok2 := f.effect(ref.Name, g.outcome)
			if !ok || !ok2 || math.IsNaN(e.Mean) || math.IsNaN(r.Mean) { // a group the systems lack
				continue
			}
			if n > 0 {
				s = append(s, text("; "))
			}
			n++
			dir := "narrows"
			if math.Abs(e.Mean) > math.Abs(r.Mean) {
				dir = "widens"
			}
			s = append(s, text(g.what+" "+dir+" from "), effectNum(r, "mean", 3, false).part(), text(" to "),
				effectNum(e, "mean", 3, false).part(), text(" SD (difference "), effectNum(e, "diff", 3, true).part())
			if e.N >= 2 {
				s = append(s, text(", 95% interval "), effectNum(e, "diff_ci_low", 3, true).part(), text(" to "), effectNum(e, "diff_ci_high", 3, true).part())
			}
			s = append(s, text(")"))
		}
		if n > 0 {
			out = append(out, append(s, text(".")))
		}
	}
	if f.ensemble() {
		out = append(out, sentence{text("The replications ran with an ensemble of parameter draws (schoolnet compare --ensemble), every scenario with the same draws: the intervals above are those of the mean effect over the draws. How far one plausible world can stray, the parametric share of that spread and the probability that each reform beats each other are in compare.csv (pi_low, pi_high, parametric_share, p_better), wins.csv and ranking.csv (docs/UNCERTAINTY.md). These are outcomes of a simulation under the model's assumptions, not a forecast for a real district. Read the caveats before quoting a number.")})
		return out
	}
	out = append(out, sentence{text("These are outcomes of a simulation under the model's assumptions, not a forecast for a real district: the intervals measure only the simulation's chance variation. Read the caveats before quoting a number.")})
	return out
}

// sureness says how sure the model is of each reform's effect on weak
// schools, and whether the best can be told from the next.
func (f *Folder) sureness(others []*Scenario, best *Effect) sentence {
	var sure, unsure, below []string
	var effects []*Effect
	for _, sc := range others {
		e, ok := f.effect(sc.Name, "weak_composite")
		if !ok || math.IsNaN(e.Diff) { // not defined: no weak schools
			continue
		}
		effects = append(effects, e)
		switch certainty(e, f.replications()) {
		case "above zero":
			sure = append(sure, e.Scenario)
		case "below zero":
			below = append(below, e.Scenario)
		default:
			unsure = append(unsure, e.Scenario)
		}
	}
	if len(effects) > 0 && f.replications() < 2 {
		return sentence{text("With a single replication there are no intervals, so the report cannot say how sure these effects are: run with --reps 4 or more.")}
	}
	var parts []string
	if len(sure) > 0 {
		parts = append(parts, fmt.Sprintf("the model is confident that %s %s weak schools: the 95%% interval lies above zero", list2(sure), plural(len(sure), "lifts", "lift")))
	}
	if len(below) > 0 {
		parts = append(parts, fmt.Sprintf("%s %s them (the interval lies below zero)", list2(below), plural(len(below), "lowers", "lower")))
	}
	if len(unsure) > 0 {
		parts = append(parts, fmt.Sprintf("%s cannot be told apart from no effect with these replications (the interval includes zero)", list2(unsure)))
	}
	s := "How sure: " + strings.Join(parts, "; ") + "."
	// The next best: do their intervals overlap?
	sort.SliceStable(effects, func(i, j int) bool { return effects[i].Diff > effects[j].Diff })
	if len(effects) > 1 && effects[1].Hi >= effects[0].Lo {
		s += fmt.Sprintf(" The intervals of %s and %s overlap, so these replications do not tell which of the two lifts weak schools more.", effects[0].Scenario, effects[1].Scenario)
	} else if len(effects) > 1 {
		s += fmt.Sprintf(" %s's interval lies above %s's.", effects[0].Scenario, effects[1].Scenario)
	}
	return sentence{text(s)}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func list2(xs []string) string {
	if len(xs) < 2 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}

func names(scs []*Scenario) string {
	var out []string
	for _, sc := range scs {
		out = append(out, sc.Name)
	}
	return list2(out)
}

// runSummary is the plain-language summary of a single run, from its
// summary.csv.
func (f *Folder) runSummary(system string, reps int) []sentence {
	sc := f.Scenarios[0]
	var out []sentence
	desc := str(sc.Spec["Description"])
	if desc != "" {
		desc = ": " + desc
	}
	out = append(out, sentence{text(fmt.Sprintf("This report shows %s%s, on %s, over %d years, run %d times with different random draws (replications).", sc.Name, desc, system, f.Years, reps))})
	get := func(outcome string) (map[string]string, bool) { return sc.summary(outcome) }
	num := func(row map[string]string, col string, sign bool) part {
		x, err := strconv.ParseFloat(row[col], 64)
		if err != nil {
			return text("–")
		}
		return part{Text: format(x, decimals(row["unit"]), sign), Num: &numRef{Src: "summary.csv", Scenario: sc.Name, Outcome: row["outcome"], Col: col, Value: row[col]}}
	}
	if w, ok := get("weak_composite"); ok && w["mean"] == "" {
		out = append(out, sentence{text("The system has no weak schools, so their achievement and the gap to them are not defined; the outcomes that are defined are in the tables.")})
	} else if ok {
		s := sentence{text(fmt.Sprintf("In year %d the weak schools' achievement is ", f.Years)), num(w, "mean", true), text(" SD")}
		if w["ci_low"] != "" {
			s = append(s, text(" (95% interval "), num(w, "ci_low", true), text(" to "), num(w, "ci_high", true), text(")"))
		}
		if st, ok := get("strong_composite"); ok && st["mean"] != "" {
			s = append(s, text(", the strong schools' "), num(st, "mean", true), text(" SD"))
		}
		if g, ok := get("gap_strong_weak"); ok && g["mean"] != "" {
			s = append(s, text(", a gap of "), num(g, "mean", false), text(" SD"))
		}
		out = append(out, append(s, text(".")))
	}
	if c, ok := get("cost_money"); ok && c["mean"] != "" && c["mean"] != "0.000000" {
		out = append(out, sentence{text("Reform money spent over the run: "), num(c, "mean", false), text(" RMB.")})
	}
	out = append(out, sentence{text("These are outcomes of a simulation under the model's assumptions, not a forecast: compare a reform with its baseline (schoolnet compare) to read its effect, and read the caveats before quoting a number.")})
	return out
}

// equity computes the groups' achievement in the compared year from each
// scenario's yearly.csv, and takes the gaps from compare.csv.
func (f *Folder) equity() equity {
	eq := equity{Year: f.Year}
	for _, sc := range f.Scenarios {
		eq.Names = append(eq.Names, sc.Name)
	}
	groupRow := func(label, g string) (equityRow, bool) {
		row := equityRow{Label: label}
		any := false
		for _, sc := range f.Scenarios {
			m, _, _, ok := sc.at(g, "composite", f.Year)
			if !ok {
				row.Cells = append(row.Cells, cell{Text: "–"})
				continue
			}
			any = true
			row.Cells = append(row.Cells, cell{Text: format(m, 3, true)})
		}
		return row, any
	}
	for _, g := range []struct{ label, group string }{
		{"strong schools", "strong"}, {"average schools", "average"}, {"weak schools", "weak"},
		{"local students", "local"}, {"migrant students", "migrant"},
	} {
		if r, ok := groupRow(g.label, g.group); ok {
			eq.Rows = append(eq.Rows, r)
		}
	}
	ses := f.Scenarios[0].sesGroups()
	if len(ses) > 0 {
		eq.SES = true
		for _, g := range ses {
			if r, ok := groupRow("students of "+strings.ReplaceAll(g, "_", " "), g); ok {
				eq.Rows = append(eq.Rows, r)
			}
		}
		if len(ses) > 1 {
			row := equityRow{Label: fmt.Sprintf("gap %s − %s", ses[len(ses)-1], ses[0])}
			for _, sc := range f.Scenarios {
				hi, _, _, ok1 := sc.at(ses[len(ses)-1], "composite", f.Year)
				lo, _, _, ok2 := sc.at(ses[0], "composite", f.Year)
				if ok1 && ok2 {
					row.Cells = append(row.Cells, cell{Text: format(hi-lo, 3, true)})
				} else {
					row.Cells = append(row.Cells, cell{Text: "–"})
				}
			}
			eq.Rows = append(eq.Rows, row)
		}
	} else {
		eq.SESNote = "Achievement by socio-economic status (SES) is not available: these result files have no SES groups."
	}
	for _, g := range []struct{ label, outcome string }{
		{"gap strong − weak schools", "gap_strong_weak"}, {"gap migrant − local students", "gap_migrant_local"},
	} {
		row := equityRow{Label: g.label}
		for _, sc := range f.Scenarios {
			c := cell{Text: "–"} // none, or undefined (an empty cell)
			if e, ok := f.effect(sc.Name, g.outcome); ok {
				c = effectNum(e, "mean", 3, true)
			} else if s, ok := sc.summary(g.outcome); ok && f.Command == "run" {
				if x, err := strconv.ParseFloat(s["mean"], 64); err == nil {
					c = cell{Text: format(x, 3, true), Num: &numRef{Src: "summary.csv", Scenario: sc.Name, Outcome: g.outcome, Col: "mean", Value: s["mean"]}}
				}
			}
			row.Cells = append(row.Cells, c)
		}
		eq.GapRows = append(eq.GapRows, row)
	}
	return eq
}

// appendix lists the folder's manifest: the binary, the run, every
// scenario's hash and every file's SHA-256.
func (f *Folder) appendix() appendix {
	var a appendix
	var keys []string
	for k, v := range f.Manifest {
		switch v.(type) {
		case string, float64, bool:
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		a.Facts = append(a.Facts, Setting{k, value(f.Manifest[k])})
	}
	for _, sc := range f.Scenarios {
		a.Scenarios = append(a.Scenarios, Setting{sc.Name, str(sc.Manifest["scenario_hash"])})
	}
	if sums, ok := f.Manifest["sha256"].(map[string]any); ok {
		var files []string
		for k := range sums {
			files = append(files, k)
		}
		sort.Strings(files)
		for _, k := range files {
			a.Files = append(a.Files, Setting{k, str(sums[k])})
		}
	}
	return a
}
