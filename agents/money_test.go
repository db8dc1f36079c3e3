package agents

import (
	"math"
	"testing"
)

// TestConcaveDiminishingReturns checks the isoelastic curve behind
// ResourceTerm and TrainingDose: slope 1 at the reference, the second unit
// worth less than the first for θ > 0 (equal for θ = 0), and a unit worth
// more where the level is lower.
func TestConcaveDiminishingReturns(t *testing.T) {
	const d = 0.2
	for _, theta := range []float64{0, 0.5, 1, 2} {
		c := func(x float64) float64 { return Concave(x, 1, theta) }
		if theta == 0 {
			c = func(x float64) float64 { return x - 1 }
		}
		slope := (c(1+1e-6) - c(1-1e-6)) / 2e-6
		if math.Abs(slope-1) > 1e-5 {
			t.Errorf("θ=%g: slope %.6f at the reference, want 1", theta, slope)
		}
		first, second := c(1+d)-c(1), c(1+2*d)-c(1+d)
		poor, rich := c(0.7+d)-c(0.7), c(1.3+d)-c(1.3)
		switch {
		case theta == 0 && (math.Abs(first-second) > 1e-12 || math.Abs(poor-rich) > 1e-12):
			t.Errorf("θ=0: units worth %.5f, %.5f, %.5f, %.5f; want all equal", first, second, poor, rich)
		case theta > 0 && !(second < first && poor > rich):
			t.Errorf("θ=%g: first unit %.5f, second %.5f, at 0.7 %.5f, at 1.3 %.5f; want diminishing returns", theta, first, second, poor, rich)
		}
	}
}

// TestResourceTermAndTrainingDose checks the two uses of the curve against
// their switch-off values and their formulas.
func TestResourceTermAndTrainingDose(t *testing.T) {
	p := DefaultParams()
	off := p
	off.SpendingConcavity = 0
	for _, r := range []float64{0.5, 0.7, 1, 1.3, 2} {
		if got, want := ResourceTerm(r, 1, &off), off.ResourceEffect*(r-1); got != want {
			t.Errorf("θ=0, R=%g: resource term %g, want linear %g", r, got, want)
		}
		want := p.ResourceEffect * 2 * (math.Sqrt(r) - 1) // θ = 0.5
		if got := ResourceTerm(r, 1, &p); math.Abs(got-want) > 1e-12 {
			t.Errorf("θ=0.5, R=%g: resource term %g, want %g", r, got, want)
		}
	}
	t0 := p.RoutineTraining
	for _, tr := range []float64{0, 0.01, 0.045, 0.2} {
		if got := TrainingDose(tr, &off); got != tr {
			t.Errorf("θ=0: dose of %g is %g, want it unchanged", tr, got)
		}
		want := t0 * 2 * (math.Sqrt((t0+tr)/t0) - 1)
		if got := TrainingDose(tr, &p); math.Abs(got-want) > 1e-12 || got > tr {
			t.Errorf("θ=0.5: dose of %g FTE is %g, want %g (at most %g)", tr, got, want, tr)
		}
	}
}

// TestTrainingFadesRemoteLearningLasts follows a teacher through a year of
// training, or a year beside a remote expert, and four years without: the
// training gain fades at TrainingFadeout a year (and stays with the fade
// off); what the teacher learned beside the expert stays.
func TestTrainingFadesRemoteLearningLasts(t *testing.T) {
	none := colleagues()
	grow := func(p *Params, setup func(*Teacher)) []float64 {
		tr, twin := Teacher{Experience: 30, Effectiveness: 0.05}, Teacher{Experience: 30, Effectiveness: 0.05}
		setup(&tr)
		var gain []float64
		for range 5 {
			TeacherDevelopment(&tr, 1, 0, none, p)
			TeacherDevelopment(&twin, 1, 0, none, p)
			tr.Training, tr.RemoteExposure, tr.RemoteExpert = 0, 0, 0
			gain = append(gain, float64(tr.Effectiveness-twin.Effectiveness))
		}
		return gain
	}
	p := DefaultParams()
	train := func(tr *Teacher) { tr.Training = 0.1 }
	fade := grow(&p, train)
	g0 := p.TeacherTrainingGain * TrainingDose(0.1, &p)
	for k, g := range fade {
		want := g0 * math.Pow(1-p.TrainingFadeout, float64(k))
		if math.Abs(g-want) > 1e-6 {
			t.Errorf("year %d after training: gain %.5f, want %.5f (fading at %g a year)", k, g, want, p.TrainingFadeout)
		}
	}
	keep := p
	keep.TrainingFadeout = 0
	for k, g := range grow(&keep, train) {
		if math.Abs(g-g0) > 1e-6 {
			t.Errorf("fade-out off, year %d: gain %.5f, want the permanent %.5f", k, g, g0)
		}
	}
	remote := grow(&p, func(tr *Teacher) { tr.RemoteExposure, tr.RemoteExpert = 1, 0.35 })
	want := p.RemoteLearning * (0.35 - 0.05)
	for k, g := range remote {
		if math.Abs(g-want) > 1e-6 {
			t.Errorf("year %d after a year beside a remote expert: gain %.5f, want a lasting %.5f", k, g, want)
		}
	}
	off := p
	off.RemoteLearning = 0
	if g := grow(&off, func(tr *Teacher) { tr.RemoteExposure, tr.RemoteExpert = 1, 0.35 }); g[0] != 0 {
		t.Errorf("remote learning off: gain %.5f, want 0", g[0])
	}
}

// TestLabelResponse checks the label's hooks: nothing without a label;
// with one, more teachers leave, new hires are weaker and the intake is
// poorer, by the documented amounts.
func TestLabelResponse(t *testing.T) {
	p := DefaultParams()
	w := newWorld(t, testSpec(1, 4), p, 106)
	s := &w.pop.Schools[0]
	if leave, rep, ses := LabelResponse(s, &p); leave != 0 || rep != float64(s.Reputation) || ses != 0 {
		t.Errorf("no label: response %g, %g, %g; want 0, the reputation, 0", leave, rep, ses)
	}
	s.Label = 1
	leave, rep, ses := LabelResponse(s, &p)
	if leave != p.LabelAttrition || math.Abs(rep-(float64(s.Reputation)-p.LabelStigma)) > 1e-7 || ses != -p.LabelIntakeSES {
		t.Errorf("label: response %g, %g, %g; want %g, reputation − %g, −%g", leave, rep, ses, p.LabelAttrition, p.LabelStigma, p.LabelIntakeSES)
	}

	// Leaving: the share of 20,000 draws at reference morale.
	leaves := func(label float32) float64 {
		s.Label = label
		n := 0
		tc := Teacher{Morale: float32(w.env.Ref.Morale), PostingEnds: -1}
		for range 20000 {
			if TeacherAttrition(s, &tc, 0, &w.env) {
				n++
			}
		}
		return float64(n) / 20000
	}
	base, labelled := leaves(0), leaves(1)
	odds := func(q float64) float64 { return math.Log(q / (1 - q)) }
	if d := odds(labelled) - odds(base); math.Abs(d-p.LabelAttrition) > 0.12 {
		t.Errorf("leaving: %.4f unlabelled, %.4f labelled, logit difference %.3f; want %.2f", base, labelled, d, p.LabelAttrition)
	}

	// Hires and intake: means over many draws.
	hires := func(label float32) (mean float64) {
		s.Label = label
		for range 4000 {
			mean += float64(s.newTeacher(Maths, &p).Effectiveness) / 4000
		}
		return mean
	}
	if d := hires(0) - hires(1); math.Abs(d-p.HireReputation*p.LabelStigma) > 0.01 {
		t.Errorf("hires: labelled school's mean %.4f lower, want %.4f", d, p.HireReputation*p.LabelStigma)
	}
	intake := func(label float32) (ses, ach float64) {
		s.Label = label
		for range 20 {
			SchoolYear(s, &w.env)
			n := int(s.ClassesPerGrade * s.ClassSize)
			for i := range n {
				ses += float64(s.Students[i].SES) / float64(20*n)
				ach += float64(s.Students[i].Achievement[0]) / float64(20*n)
			}
		}
		return ses, ach
	}
	ses0, ach0 := intake(0)
	ses1, ach1 := intake(1)
	if d := ses0 - ses1; math.Abs(d-p.LabelIntakeSES) > 0.04 {
		t.Errorf("intake: labelled school's SES %.3f lower, want %.3f", d, p.LabelIntakeSES)
	}
	if d := ach0 - ach1; math.Abs(d-0.3*p.LabelIntakeSES) > 0.06 {
		t.Errorf("intake: labelled school's maths %.3f lower, want %.3f (0.3 SD per SD of SES)", d, 0.3*p.LabelIntakeSES)
	}
}
