package evaluate

import (
	"math"
	"math/rand/v2"
	"schoolnet/results"
	"testing"
)

// studyData is a small study's data: n schools, the first half treated,
// each with a few students before and after, whose scores rise with the
// treatment and with peer relations.
func studyData(seed uint64, n int) *Data {
	r := rand.New(rand.NewPCG(seed, 7))
	d := &Data{}
	for s := range n {
		treated := s < n/2
		d.Schools = append(d.Schools, School{Index: int32(s), Treated: treated, Eligible: true,
			Leadership: [2]float64{r.NormFloat64(), r.NormFloat64()}, Style: [2]float64{r.Float64(), r.Float64()}})
		alpha, tr := r.NormFloat64(), 0.0
		if treated {
			tr = 1
		}
		for t := range 2 {
			for range 5 + r.IntN(20) {
				st := Student{School: int32(s), PeerRelations: r.NormFloat64() + 0.3*tr*float64(t)}
				for k := range NumOutcomes {
					st.Score[k] = alpha + 0.2*float64(t) + 0.4*tr*float64(t) + 0.5*st.PeerRelations + r.NormFloat64()
				}
				if t == 0 {
					d.Pre = append(d.Pre, st)
				} else {
					d.Post = append(d.Post, st)
				}
			}
		}
	}
	return d
}

// TestRowsOverTheReplicationsWithAnEstimate: where a design gives no
// estimate in a replication, the row's truth, estimate and bias are all
// over the replications in which it gave one, so that the printed
// "estimate = true effect + bias" adds up, and replications counts them.
func TestRowsOverTheReplicationsWithAnEstimate(t *testing.T) {
	truth := []float64{0.10, 0.40, 0.10}
	est := []float64{0.30, math.NaN(), 0.30}
	r := &Result{Options: Options{Designs: []string{PSMDID}}, Assignment: "voluntary"}
	for i := range truth {
		var tr [NumOutcomes]float64
		var es [NumOutcomes]Estimate
		for k := range NumOutcomes {
			tr[k] = truth[i]
			es[k] = Estimate{Value: est[i], SE: 0.1, Lo: est[i] - 0.2, Hi: est[i] + 0.2, Clusters: 10}
			if math.IsNaN(est[i]) {
				es[k] = failed()
			}
		}
		r.Reps = append(r.Reps, Replication{Truth: [numWorlds][][NumOutcomes]float64{{tr}}, Estimates: map[string]*[NumOutcomes]Estimate{PSMDID: &es}})
	}
	row := r.Rows()[0]
	if math.Abs(row.True-0.10) > 1e-12 || math.Abs(row.Estimate-0.30) > 1e-12 || math.Abs(row.Bias-0.20) > 1e-12 {
		t.Errorf("true %.3f, estimate %.3f, bias %.3f; want 0.100, 0.300, 0.200 over the two replications with an estimate", row.True, row.Estimate, row.Bias)
	}
	if row.Reps != 2 {
		t.Errorf("replications = %d, want 2", row.Reps)
	}
	if row.Coverage != 1 {
		t.Errorf("coverage = %v, want 1 (both intervals hold their truth)", row.Coverage)
	}
}

// TestFailedMediationLeavesPathsUndefined: a study whose mediation cannot
// be estimated (every eligible school treated) has no path coefficients
// either, and the mediation table's study columns are over the
// replications that gave an estimate, which estimated_replications counts.
func TestFailedMediationLeavesPathsUndefined(t *testing.T) {
	d := studyData(3, 8)
	for i := range d.Schools {
		d.Schools[i].Treated = true
	}
	b := newBySchool(d)
	bad := b.mediation(d.sampleUnits(nil), 10, rand.New(rand.NewPCG(1, 1)))
	if !math.IsNaN(bad[0].Indirect[0]) {
		t.Fatal("the point estimate should fail with every school treated")
	}
	for m := range 3 {
		if !math.IsNaN(bad[0].A[m]) || !math.IsNaN(bad[0].B[m]) {
			t.Errorf("mediator %d: a = %v, b = %v without an estimate; want undefined", m, bad[0].A[m], bad[0].B[m])
		}
	}
	if !math.IsNaN(bad[0].Total) {
		t.Errorf("total = %v without an estimate; want undefined", bad[0].Total)
	}
	var good [NumOutcomes]Mediation
	for k := range good {
		for m := range 3 {
			good[k].A[m], good[k].B[m], good[k].Indirect[m], good[k].Share[m] = 0.3, 0.5, 0.15, 0.5
		}
	}
	var tr [NumOutcomes]float64
	for k := range tr {
		tr[k] = 0.2
	}
	r := &Result{Options: Options{Mediation: true}, Reps: []Replication{
		{Truth: [numWorlds][][NumOutcomes]float64{{tr}}, Held: [3][NumOutcomes]float64{}, Mediation: &good},
		{Truth: [numWorlds][][NumOutcomes]float64{{tr}}, Held: [3][NumOutcomes]float64{}, Mediation: &bad},
	}}
	row := r.MediationRows()[0]
	if row.A != 0.3 || row.B != 0.5 || row.EstIndirect != 0.15 {
		t.Errorf("path_a %v, path_b %v, estimated_indirect %v; want 0.3, 0.5, 0.15, the one estimate", row.A, row.B, row.EstIndirect)
	}
	if row.Reps != 2 || row.EstReps != 1 {
		t.Errorf("replications %d, estimated_replications %d; want 2 and 1", row.Reps, row.EstReps)
	}
}

// TestTruthWithoutTreatedStudentsIsUndefined: a world with no treated
// student has no true effect on the treated, not an effect of 0.
func TestTruthWithoutTreatedStudentsIsUndefined(t *testing.T) {
	d := studyData(4, 6)
	for i := range d.Schools {
		d.Schools[i].Treated = false
	}
	eff, per := trueEffect(d.Post, d.Post, d.Schools)
	for k := range eff {
		if !math.IsNaN(eff[k]) {
			t.Errorf("outcome %d: true effect without treated students = %v, want undefined", k, eff[k])
		}
	}
	if len(per) != 0 {
		t.Errorf("%d schools' effects without treated schools", len(per))
	}
}

// TestEnsembleIntervalsCountDraws: with an ensemble, the truth's and the
// bias's intervals over replications are the ensemble mean's, whose
// independent units are the draws, as compare's are (an audit found
// evaluate's still t over the runs, about a third too narrow).
func TestEnsembleIntervalsCountDraws(t *testing.T) {
	truth := []float64{0.10, 0.12, 0.30, 0.31, 0.05, 0.07, 0.22, 0.20}
	draw := []int{0, 0, 1, 1, 2, 2, 3, 3}
	r := &Result{Options: Options{Designs: []string{DID}}, Assignment: "voluntary", Draw: draw}
	for i := range truth {
		var tr [NumOutcomes]float64
		var es [NumOutcomes]Estimate
		for k := range NumOutcomes {
			tr[k] = truth[i]
			es[k] = Estimate{Value: truth[i] + 0.3, SE: 0.1, Lo: truth[i], Hi: truth[i] + 0.6, Clusters: 10}
		}
		r.Reps = append(r.Reps, Replication{Truth: [numWorlds][][NumOutcomes]float64{{tr}}, Estimates: map[string]*[NumOutcomes]Estimate{DID: &es}})
	}
	row := r.Rows()[0]
	want := results.Decompose(truth, draw)
	if math.Abs(row.TrueLo-want.CILo) > 1e-12 || math.Abs(row.TrueHi-want.CIHi) > 1e-12 {
		t.Errorf("true effect's interval [%v, %v], want the ensemble mean's [%v, %v]", row.TrueLo, row.TrueHi, want.CILo, want.CIHi)
	}
	m, h := results.MeanCI(truth)
	if row.TrueHi-row.TrueLo <= 2*h {
		t.Errorf("interval %v wide, no wider than the t interval over runs %v (mean %v): the draws differ far more than their runs", row.TrueHi-row.TrueLo, 2*h, m)
	}
}
