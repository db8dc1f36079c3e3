package sim

import (
	"context"
	"reflect"

	"schoolnet/agents"
)

// sameWorld reports whether two configurations generate and spin up the
// same world: the same seed, replication, calendar, population and
// parameters, but for those that act only on treated schools
// (Params.BeforeTreatment); their policies, years and workers may differ.
func sameWorld(a, b *Config) bool {
	return a.Seed == b.Seed && a.Replication == b.Replication && a.WeeksPerYear == b.WeeksPerYear &&
		a.SpinUpYears == b.SpinUpYears && a.Params.BeforeTreatment() == b.Params.BeforeTreatment() &&
		reflect.DeepEqual(a.Population, b.Population)
}

// RunWorlds runs one replication of each configuration of cfgs, one after
// another on the caller's goroutine (each steps its schools with its own
// Workers), and gives emit each one's year records, k being its position
// in cfgs. Configurations that generate the same world (the same seed,
// replication, calendar, population and parameters: a scenario and its
// reforms) share its spin-up: the world is spun up once, through year 0,
// and forked for each ([Engine.Fork]); each one's Observe and emit see
// year 0 as a run of its own would. The records are those of a fresh
// engine per configuration, bit for bit, in less time: the spin-up years
// run once instead of once per configuration.
func RunWorlds(ctx context.Context, cfgs []Config, emit func(k int, rec YearRecord)) error {
	done := make([]bool, len(cfgs))
	for k0 := range cfgs {
		if done[k0] {
			continue
		}
		group := []int{k0}
		for k := k0 + 1; k < len(cfgs); k++ {
			if !done[k] && sameWorld(&cfgs[k0], &cfgs[k]) {
				group = append(group, k)
			}
		}
		for _, k := range group {
			done[k] = true
		}
		if len(group) == 1 {
			e, err := New(cfgs[k0])
			if err != nil {
				return err
			}
			if err := e.Run(ctx, func(r YearRecord) { emit(k0, r) }); err != nil {
				return err
			}
			continue
		}
		base := cfgs[k0]
		base.Policies = nil // policies act from year 1 on: the spin-up has none
		base.Observe = func(rep, y int, pop *agents.Population, ref *agents.Reference) {
			for _, k := range group {
				if o := cfgs[k].Observe; o != nil {
					o(rep, y, pop, ref)
				}
			}
		}
		e, err := New(base)
		if err != nil {
			return err
		}
		for y := e.next; y <= 0; y++ {
			if err := e.RunYear(ctx, y, func(r YearRecord) {
				for _, k := range group {
					emit(k, r)
				}
			}); err != nil {
				return err
			}
		}
		for _, k := range group {
			f, err := e.Fork(cfgs[k])
			if err != nil {
				return err
			}
			if err := f.Run(ctx, func(r YearRecord) { emit(k, r) }); err != nil {
				return err
			}
		}
	}
	return nil
}
