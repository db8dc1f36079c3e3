package web

import (
	"fmt"
	"log"
	"runtime"
	"time"

	"schoolnet/scenarios"
)

// Options are the server's limits and settings; the serve command's flags
// set them. Zero values are replaced by DefaultOptions' in New.
type Options struct {
	// MaxSchools, MaxStudents, MaxReps and MaxYears bound one run: its
	// schools, its planned enrolment, its replications, and its simulated
	// years (and, separately, its spin-up years).
	MaxSchools, MaxStudents, MaxReps, MaxYears int
	// MaxSteps bounds their product, the student-weeks one run simulates
	// (students × replications × (years + spin-up years) × weeks a
	// year): each bound alone would let a run take an hour.
	MaxSteps int
	// MaxRunning runs simulate at once; up to MaxQueued more wait their
	// turn, first come first served.
	MaxRunning, MaxQueued int
	// MaxUpload is the largest scenario file accepted, in bytes.
	MaxUpload int64
	// MaxParsing requests read and check a scenario (uploads, inspections
	// and run requests) at once; a request that finds them all busy for
	// two seconds is refused.
	MaxParsing int
	// Keep is the number of finished runs kept in memory; the oldest
	// finished run is dropped beyond it.
	Keep int
	// Workers is the number of goroutines all running simulations share;
	// each gets Workers divided by the number running when it starts.
	Workers int
	// Grace is how long a queued or running run waits for a page to watch
	// it (its event stream) before it is cancelled: a closed page stops
	// its run, a page that reconnects keeps it.
	Grace time.Duration
	// WorldCache is the most memory, in bytes, the spun-up worlds that
	// runs fork may hold (an LRU cache: each reform of a school system
	// after the first skips generation and spin-up); below 0, none are
	// kept.
	WorldCache int64
	// Heartbeat is the interval of the "ping" events that keep an idle
	// event stream open and detect a vanished client.
	Heartbeat time.Duration
	// Class turns class mode on: a teacher holding the teacher token
	// starts a session, students join it with its code (class.go);
	// ClassSize is the most students a session takes, JoinURLs the
	// addresses the teacher's page shows them.
	Class     bool
	ClassSize int
	JoinURLs  []string
	// Hosts are more host names the serve command lets requests
	// address beyond loopback (--host).
	Hosts []string
	// ErrorLog receives the stack of every panic recovered in a run or a
	// request; nil means standard error.
	ErrorLog *log.Logger
}

// DefaultOptions are the limits of `schoolnet serve` without flags: the
// shipped scenarios fit, with room for a class of small experiments.
func DefaultOptions() Options {
	return Options{
		MaxSchools: 200, MaxStudents: 200_000, MaxReps: 10, MaxYears: 20, MaxSteps: 2_000_000_000,
		MaxRunning: 2, MaxQueued: 16, ClassSize: 40, MaxUpload: 64 << 10, MaxParsing: 4, Keep: 32,
		Workers: runtime.NumCPU(), Grace: 10 * time.Second, Heartbeat: 5 * time.Second, WorldCache: 512 << 20,
	}
}

// fill replaces zero options by the defaults.
func (o *Options) fill() {
	d := DefaultOptions()
	set := func(x *int, v int) {
		if *x <= 0 {
			*x = v
		}
	}
	set(&o.MaxSchools, d.MaxSchools)
	set(&o.MaxStudents, d.MaxStudents)
	set(&o.MaxReps, d.MaxReps)
	set(&o.MaxYears, d.MaxYears)
	set(&o.MaxSteps, d.MaxSteps)
	set(&o.MaxRunning, d.MaxRunning)
	set(&o.MaxQueued, d.MaxQueued)
	set(&o.MaxParsing, d.MaxParsing)
	set(&o.Keep, d.Keep)
	set(&o.Workers, d.Workers)
	set(&o.ClassSize, d.ClassSize)
	if o.MaxUpload <= 0 {
		o.MaxUpload = d.MaxUpload
	}
	if o.Grace <= 0 {
		o.Grace = d.Grace
	}
	if o.WorldCache == 0 {
		o.WorldCache = d.WorldCache
	}
	if o.Heartbeat <= 0 {
		o.Heartbeat = d.Heartbeat
	}
}

// checkLimits refuses a run over the server's limits, saying which limit
// and which flag raises it.
func (o *Options) checkLimits(scn *scenarios.Scenario) error {
	pop := &scn.Population
	schools := float64(pop.NumSchools())
	students := pop.PlannedStudents()
	// The student-weeks the run simulates at most (a run that forks a
	// spun-up world skips the spin-up's).
	r := &scn.Run
	weeks := students * float64(r.Replications) * float64(r.Years+r.SpinUpYears) * float64(r.WeeksPerYear)
	switch {
	case schools > float64(o.MaxSchools):
		return fmt.Errorf("this scenario has %.0f schools; this server runs at most %d (schoolnet serve --max-schools)", schools, o.MaxSchools)
	case students > float64(o.MaxStudents):
		return fmt.Errorf("this scenario plans %.0f students; this server runs at most %d (schoolnet serve --max-students)", students, o.MaxStudents)
	case scn.Run.Replications > o.MaxReps:
		return fmt.Errorf("%d replications asked; this server runs at most %d (schoolnet serve --max-reps)", scn.Run.Replications, o.MaxReps)
	case scn.Run.Years > o.MaxYears:
		return fmt.Errorf("%d years asked; this server simulates at most %d (schoolnet serve --max-years)", scn.Run.Years, o.MaxYears)
	case scn.Run.SpinUpYears > o.MaxYears:
		return fmt.Errorf("run.spin_up_years is %d; this server simulates at most %d spin-up years (schoolnet serve --max-years)", scn.Run.SpinUpYears, o.MaxYears)
	case weeks > float64(o.MaxSteps):
		return fmt.Errorf("this run would simulate %.2g student-weeks (%.0f students × %d repeats × (%d years + %d spin-up years) × %d weeks a year); this server runs at most %.2g in one run (schoolnet serve --max-steps): use fewer repeats, years or weeks",
			weeks, students, scn.Run.Replications, scn.Run.Years, scn.Run.SpinUpYears, scn.Run.WeeksPerYear, float64(o.MaxSteps))
	}
	return nil
}
