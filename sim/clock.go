package sim

// Clock is the engine's calendar. Years count from 1, the first simulated
// year; spin-up years, which settle the population before policies act,
// are numbered 0 and below. Week runs from 0 to WeeksPerYear−1.
type Clock struct {
	Year         int
	Week         int
	WeeksPerYear int
}

// YearStart reports whether this is the first week of a school year.
func (c Clock) YearStart() bool { return c.Week == 0 }

// SpinUp reports whether the clock is in the spin-up before year 1.
func (c Clock) SpinUp() bool { return c.Year <= 0 }
