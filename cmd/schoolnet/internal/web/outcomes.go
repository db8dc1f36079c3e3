package web

import (
	"math"

	"schoolnet/results"
)

// Which way an outcome is better.
const (
	higherBetter = "higher"  // achievement, leadership, peer relationships
	lowerBetter  = "lower"   // inequality, turnover
	towardZero   = "to-zero" // a gap: closer to zero is more equal
	lowerCost    = "cost"    // money and time spent: more costs more
	neutral      = ""        // neither (teaching style, a ratio)
)

// outcomeText is an outcome of the result files said in plain words for
// the page, with the way it is better.
type outcomeText struct {
	Label  string `json:"label"`
	Better string `json:"better"`
	// Explain says in a sentence what the number is.
	Explain string `json:"explain"`
}

// outcomeTexts are the outcomes of results.Headlines, results.PerMillion
// and ChartSeries in plain words. A test checks that every outcome the
// page can show has an entry.
var outcomeTexts = map[string]outcomeText{
	"weak_maths":         {"Weak schools' maths", higherBetter, "Mean maths score of students in weak schools in the last year, in SD (0 = the average student at the start)."},
	"weak_chinese":       {"Weak schools' Chinese", higherBetter, "Mean Chinese score of students in weak schools in the last year, in SD."},
	"weak_composite":     {"Weak schools' achievement", higherBetter, "Mean of maths, Chinese, English and science for students in weak schools, in SD."},
	"strong_composite":   {"Strong schools' achievement", higherBetter, "Mean of the four subjects for students in strong schools, in SD."},
	"gap_strong_weak":    {"Gap between strong and weak schools", towardZero, "Strong schools' mean minus weak schools' mean, in SD: closer to 0 is more equal."},
	"gap_migrant_local":  {"Gap between migrant and local students", towardZero, "Migrant students' mean minus local students' mean, in SD: closer to 0 is more equal."},
	"between_share":      {"How much results depend on the school", lowerBetter, "Share of the differences between students that lies between schools (0 to 1): lower means the school a child attends matters less."},
	"leadership":         {"Principals' leadership", higherBetter, "Mean leadership of principals as it acts on their schools, an index from 0 to 1."},
	"peer_relations":     {"Students' peer relationships", higherBetter, "Mean quality of students' friendships at school, an index from 0 to 1."},
	"style":              {"Teaching style", neutral, "Mean teaching style, from 0 (teacher-centred) to 1 (student-centred); the SSP study found it did not change."},
	"turnover":           {"Teachers leaving each year", lowerBetter, "Share of teachers who leave their school in a year, averaged over the simulated years."},
	"cost_money":         {"Reform money spent", lowerCost, "Money the reforms spent over the run, in RMB."},
	"cost_teacher_hours": {"Teacher hours taken from teaching", lowerCost, "Hours teachers spent on the reforms (meetings, mentoring) instead of teaching, over the run."},
	"cost_travel_hours":  {"Travel hours", lowerCost, "Hours spent travelling between schools for the reforms, over the run."},
	"ses_segregation":    {"How much schools are sorted by family background", lowerBetter, "Share of the differences in students' family background (SES) that lies between schools (0 to 1): lower means richer and poorer children mix more."},
	"exit_share":         {"Children in private schools", neutral, "Share of school-age children who left the public schools for a private (exit) sector under school choice, in the last year."},
	"ses_q1_composite":   {"Achievement of the least advantaged quarter", higherBetter, "Mean of the four subjects for the quarter of students from the poorest families (lowest SES), in SD."},
	"ses_q2_composite":   {"Achievement of the second quarter by family background", higherBetter, "Mean of the four subjects for the second quarter of students by family background (SES), in SD."},
	"ses_q3_composite":   {"Achievement of the third quarter by family background", higherBetter, "Mean of the four subjects for the third quarter of students by family background (SES), in SD."},
	"ses_q4_composite":   {"Achievement of the most advantaged quarter", higherBetter, "Mean of the four subjects for the quarter of students from the richest families (highest SES), in SD."},
	"gap_ses_q4_q1":      {"Gap between richest and poorest quarters", towardZero, "Most advantaged quarter's mean minus least advantaged quarter's mean, in SD: closer to 0 is more equal."},
	results.PerMillion:   {"Gain for weak schools per million RMB", neutral, "Weak schools' gain over the pinned run, in SD, for each million RMB of extra reform money; empty where no extra money is spent."},
	// The charts' series.
	"weak_peer_relations": {"Weak schools' peer relationships", higherBetter, "Mean quality of friendships of students in weak schools, an index from 0 to 1."},
	"weak_leadership":     {"Weak schools' principal leadership", higherBetter, "Mean leadership of the principals of weak schools, an index from 0 to 1."},
	"cost_money_year":     {"Reform money spent in the year", lowerCost, "Money the reforms spent in each year, in million RMB."},
}

// plain returns an outcome's text, or its description where there is none
// (an outcome added to the result files since).
func plain(name, description string) outcomeText {
	if t, ok := outcomeTexts[name]; ok {
		return t
	}
	return outcomeText{Label: description, Better: neutral, Explain: description}
}

// Verdicts of a difference, for the page's words, icons and colours.
const (
	verdictBetter  = "better"
	verdictWorse   = "worse"
	verdictUnclear = "unclear" // the interval includes 0
	verdictChanged = "changed" // a clear change of a gap that was 0
	verdictNone    = ""        // no interval (one replication), or no better way
)

// verdict says whether a paired difference diff (with its 95% interval
// lo, hi) of this run from the pinned run, whose mean is pinned, is
// better or worse. Only a difference whose interval excludes 0 is judged;
// a gap is better when it moves towards 0 from the pinned run's side.
func verdict(better string, pinned, diff, lo, hi *float64) string {
	if diff == nil || lo == nil || hi == nil || better == neutral {
		return verdictNone
	}
	if *lo <= 0 && *hi >= 0 {
		return verdictUnclear
	}
	up := *diff > 0
	switch better {
	case higherBetter:
	case lowerBetter, lowerCost:
		up = !up
	case towardZero:
		if pinned == nil || *pinned == 0 {
			return verdictChanged
		}
		// Better when the difference points against the pinned gap's sign
		// and does not overshoot past the other side by more.
		if math.Abs(*pinned+*diff) >= math.Abs(*pinned) {
			return verdictWorse
		}
		return verdictBetter
	}
	if up {
		return verdictBetter
	}
	return verdictWorse
}
