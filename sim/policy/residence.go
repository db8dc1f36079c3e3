package policy

import (
	"math"
	"math/rand/v2"

	"schoolnet/sim/fmath"
)

// Where school choice's applicants live: a child of a school's catchment
// has its home at the school's location plus N(0, ResidenceSD²) km per
// axis, conditioned on the home lying in the catchment, the area nearer
// that school than any other (China's rule of enrolment near home).
//
// Drawing from the whole normal and redrawing until the home falls in the
// catchment is exact but slow where catchments are small against the
// spread: at the default spread of 2 km a city's catchment holds about 3%
// of its normal, and a cap of 50 draws put a third of a city's homes at
// the school itself. residence instead draws each axis from the normal
// truncated to a box that holds the catchment (catchment.set) and redraws
// only the homes in the box but outside the catchment, about two in five
// (1.75 draws a home in a city, against 28.6). That is the same
// distribution: the box holds the catchment and the two axes of the
// normal are independent, so a draw kept from the box has the normal's
// density restricted to the catchment.

// residenceTries is the number of draws residence makes before it puts the
// home at the school itself. A draw falls in the catchment with a chance
// of about a half or more (the catchment's share of its box), so that
// this happens only for slivers of catchments, long, thin and slanted.
const residenceTries = 50

// residenceNeighbours is the number of a school's nearest schools that
// residence asks first whether they are nearer a drawn home: when any
// school is, one of these almost always is (a catchment is bounded by its
// neighbours'), and the search of the index is left for the rest.
const residenceNeighbours = 12

// cutsWalked is the number of a school's nearest schools whose bisectors
// catchment.set cuts by in order of distance, before it takes the rest
// from the index unsorted.
const cutsWalked = 32

// homeReach is how far from its school, in SDs of the spread of homes, a
// catchment is looked at: a box around a catchment that reaches farther
// (one at the edge of the city) is cut at homeReach SDs, which leaves out
// a chance of 1.2e-15 an axis, about the resolution of the draws.
const homeReach = 8

// closeBy is how near, as a share of the reach, another school must be
// for catchment.set not to cut by its bisector: so near, the rounding of
// the index's distances makes the two schools equally near in a wedge
// along the bisector wider, far out, than the box's margin. Such a school
// is left uncut, which only widens the box, and the catchment's homes
// are then all decided by the index.
const closeBy = 1e-5

// catchment is a school's catchment as residence draws homes in it.
type catchment struct {
	i      int32   // the school
	x, y   float64 // its location, km
	sd     float64 // the spread of homes, km per axis
	lo, hi vec     // the box, in SDs from the school: lo ≤ 0 ≤ hi per axis
	near   []int32 // the school's nearest other schools (residenceNeighbours)
	buf    []int32 // scratch of set and contains
	// The catchment within reach km of the school on each axis is the
	// points v (offsets from the school) with v·d ≤ h for every cut,
	// one per school whose bisector meets it (set); tol is a
	// margin in km² far above the rounding of v·d − h and of the
	// index's distances, so that a point farther than it from every
	// cut's line is in or out of the catchment by the index too. With
	// byIndex (a school close by, closeBy) the index decides every home.
	cuts    []halfPlane
	reach   float64
	tol     float64
	byIndex bool
	clip    [2][]vec
}

// vec is a point or offset in km.
type vec struct{ x, y float64 }

// halfPlane is the points v with v·d ≤ h.
type halfPlane struct {
	d vec
	h float64
}

// side returns v·d − h: negative inside, positive outside.
func (p halfPlane) side(v vec) float64 { return float64(v.x*p.d.x) + float64(v.y*p.d.y) - p.h }

// set makes c school i's catchment in the index schools, for homes spread
// sd km per axis, using near and km (a place per school): its nearest
// schools and, for a spread above 0, its cuts and box.
//
// The box holds every point of the catchment (no school of the index
// strictly nearer) within reach km of the school on each axis: the square
// of side 2·reach around the school, cut by the half-plane on the
// school's side of its bisector with each other school in turn (a cut),
// nearest first, until the next school is too far for its bisector (half
// its distance from the school) to meet what is left, and widened by a
// margin far above the rounding of the cuts. The bisector of a school
// that is not cut misses what is left by more than a millionth of its
// farthest corner's distance from the school, far above tol, so that a
// point inside every cut and the square is in the catchment by the index
// too (contains).
func (c *catchment) set(schools *grid, i int32, sd float64, near *nearest, km []float64) {
	c.i, c.x, c.y, c.sd = i, schools.x[i], schools.y[i], sd
	c.reach = float64(homeReach * sd)
	c.near, c.cuts, c.byIndex = c.near[:0], c.cuts[:0], false
	poly := append(c.clip[0][:0], vec{-c.reach, -c.reach}, vec{c.reach, -c.reach}, vec{c.reach, c.reach}, vec{-c.reach, c.reach})
	out := c.clip[1][:0]
	far := float64(2 * float64(c.reach*c.reach)) // the farthest vertex's squared distance from the school
	// cutBy cuts what is left by the bisector with school j, or reports
	// that it misses it.
	cutBy := func(j int32) bool {
		d := vec{schools.x[j] - c.x, schools.y[j] - c.y}
		d2 := float64(d.x*d.x) + float64(d.y*d.y)
		switch {
		case d2 == 0:
			return true // a school at the same place is never strictly nearer
		case d2 < float64(closeBy*c.reach)*float64(closeBy*c.reach):
			c.byIndex = true
			return true
		case d2 > float64(4*far)*(1+1e-6):
			return false
		}
		h := halfPlane{d, d2 / 2}
		c.cuts = append(c.cuts, h)
		out = cut(poly, out[:0], h)
		poly, out = out, poly
		far = 0
		for _, v := range poly {
			far = max(far, float64(v.x*v.x)+float64(v.y*v.y))
		}
		return true
	}
	cutting := sd > 0
	near.reset(schools, c.x, c.y, km)
	var last int32 // the last school walked
	p := 0
	for ; cutting && p < cutsWalked || len(c.near) < residenceNeighbours; p++ {
		j, ok := near.at(p)
		if !ok {
			cutting = false // every school walked
			break
		}
		last = j
		if j == i {
			continue
		}
		if len(c.near) < residenceNeighbours {
			c.near = append(c.near, j)
		}
		// Once a bisector misses, so do the farther schools'.
		cutting = cutting && cutBy(j)
	}
	if cutting && p > 0 {
		// A catchment still open after the nearest cutsWalked (at the
		// edge of the city, it reaches the square's far corners) would
		// have the search sort the schools far out: the rest whose
		// bisector may meet it come from the index unsorted instead.
		lastKm := km[last]
		c.buf, _ = schools.near(c.x, c.y, float64(2*math.Sqrt(far))*(1+1e-6), c.buf[:0])
		for _, j := range c.buf {
			if kj := schools.dist(c.x, c.y, j); j != i && (kj > lastKm || kj == lastKm && j > last) {
				cutBy(j)
			}
		}
	}
	c.clip = [2][]vec{poly, out}
	if !(sd > 0) {
		return
	}
	lo, hi := poly[0], poly[0]
	for _, v := range poly[1:] {
		lo = vec{min(lo.x, v.x), min(lo.y, v.y)}
		hi = vec{max(hi.x, v.x), max(hi.y, v.y)}
	}
	m := float64(1e-9 * c.reach)
	c.lo = vec{min(lo.x-m, 0) / sd, min(lo.y-m, 0) / sd}
	c.hi = vec{max(hi.x+m, 0) / sd, max(hi.y+m, 0) / sd}
	// The cuts and the index both work on differences of coordinates,
	// whose rounding grows with the offsets (at most a few reaches), not
	// with the coordinates themselves.
	c.tol = float64(1e-9 * float64(c.reach*c.reach))
	// A cut whose line misses the polygon by more than tol (later cuts
	// took its part away) is left out: the others and the square still
	// make the same polygon, since a convex set larger than it would
	// have to cross that line within the polygon, and a point of the
	// polygon is farther than tol from the line, where the index agrees.
	kept := c.cuts[:0]
	for _, h := range c.cuts {
		top := math.Inf(-1)
		for _, v := range poly {
			top = max(top, h.side(v))
		}
		if !(top < -c.tol) {
			kept = append(kept, h)
		}
	}
	c.cuts = kept
}

// contains reports whether the home (x, y) is in the catchment: by the
// cuts where it lies farther than tol from every cut's line and inside
// the square of the reach, and else by the index schools (no school
// strictly nearer, asking c.near first).
func (c *catchment) contains(schools *grid, x, y float64) bool {
	v := vec{x - c.x, y - c.y}
	sure := !c.byIndex && math.Abs(v.x) < c.reach && math.Abs(v.y) < c.reach
	for _, p := range c.cuts {
		switch f := p.side(v); {
		case f > c.tol:
			return false
		case !(f < -c.tol):
			sure = false
		}
	}
	if sure {
		return true
	}
	rd := offsetRadius(v.x, v.y)
	if schools.anyWithin(c.near, x, y, &rd, c.i) {
		return false
	}
	var nearer bool
	nearer, c.buf = schools.anyNearer(x, y, rd, c.i, c.buf)
	return !nearer
}

// residence draws the home of a child of the catchment from r, and puts it
// at the school itself if residenceTries draws all fall nearer another
// school (or the spread is 0). The catchment is the area where no school
// is strictly nearer, by the index schools (contains).
func (c *catchment) residence(schools *grid, r *rand.Rand) (x, y float64) {
	if !(c.sd > 0) {
		return c.x, c.y
	}
	for range residenceTries {
		x = c.x + float64(c.sd*truncNormal(r, c.lo.x, c.hi.x))
		y = c.y + float64(c.sd*truncNormal(r, c.lo.y, c.hi.y))
		if c.contains(schools, x, y) {
			return x, y
		}
	}
	return c.x, c.y
}

// sqrt2Pi is √(2π).
const sqrt2Pi = 2.5066282746310002

// truncNormal draws from r a standard normal variable conditioned to lie
// in [a, b], for a ≤ 0 ≤ b, exactly, by rejection: from the normal itself
// when the interval is wider than √(2π); else from the uniform on the
// interval, kept with chance exp(−z²/2). Either way a draw is kept with
// a chance of at least 0.49 (each keeps the draws with a chance
// proportional to the normal's density on the interval; the second is
// the more likely exactly when the interval is narrower than √(2π), and
// the two are equal, 0.494, at √(2π) with 0 at one end).
func truncNormal(r *rand.Rand, a, b float64) float64 {
	if !(a <= 0 && 0 <= b) {
		panic("policy: truncNormal needs a ≤ 0 ≤ b")
	}
	if b-a > sqrt2Pi {
		for {
			if z := fmath.NormFloat64(r); a <= z && z <= b {
				return z
			}
		}
	}
	for {
		z := a + float64((b-a)*r.Float64())
		// exp(−t) ≥ 1 − t: below 1 − t, less a margin for the rounding
		// of both sides, the uniform is kept without the exponential.
		t := float64(0.5 * float64(z*z))
		if u := r.Float64(); u < 1-t-0x1p-50 || u < fmath.Exp(-t) {
			return z
		}
	}
}

// cut appends to out the convex polygon poly cut by the half-plane p
// (Sutherland–Hodgman: each vertex inside, and where an edge crosses the
// line, the crossing).
func cut(poly, out []vec, p halfPlane) []vec {
	for k, a := range poly {
		b := poly[(k+1)%len(poly)]
		fa, fb := p.side(a), p.side(b)
		if fa <= 0 {
			out = append(out, a)
		}
		if (fa <= 0) != (fb <= 0) {
			t := fa / (fa - fb)
			out = append(out, vec{a.x + float64(t*(b.x-a.x)), a.y + float64(t*(b.y-a.y))})
		}
	}
	return out
}
