package policy

import (
	"math"
	"math/rand/v2"
	"testing"

	"schoolnet/agents"
	"schoolnet/sim"
	"schoolnet/sim/fmath"

	"gonum.org/v1/gonum/stat"
)

// TestCatchmentAgreesWithTheIndex: a catchment as residence sees it agrees with
// the index (a home is in school i's catchment when no school is strictly
// nearer), on scattered schools with repeated positions, at spreads of
// homes small and large against the schools' spacing, for points around
// the catchment's box, across its reach, and on the bisectors with its
// neighbours, where two schools are equally near:
//   - whether a point is in it, decided by the catchment's cuts where it
//     can be and by the index near a cut's line, is the index's answer,
//     with the school's nearest neighbours asked first or not;
//   - every point of it within homeReach SDs of the school lies in its
//     box;
//   - where schools are closer than the spread of homes, most boxes are
//     much smaller than the square of the reach, or they would save no
//     draws.
func TestCatchmentAgreesWithTheIndex(t *testing.T) {
	pop := scatteredSchools(300)
	schools, catchmentOf := catchmentsOf(pop)
	r := rand.New(rand.NewPCG(1, 2))
	for _, sd := range []float64{0.1, 0.5, 2, 20} {
		in, onLine, small := 0, 0, 0
		for i := range int32(len(pop.Schools)) {
			c := catchmentOf(i, sd)
			alone := c
			alone.near = nil
			if c.hi.x-c.lo.x < homeReach && c.hi.y-c.lo.y < homeReach {
				small++ // under half the square's side on both axes
			}
			for k := range 300 {
				var x, y float64
				switch k % 3 {
				case 0: // the box widened by half on each side
					x = c.x + sd*(c.lo.x+(c.hi.x-c.lo.x)*(2*r.Float64()-0.5))
					y = c.y + sd*(c.lo.y+(c.hi.y-c.lo.y)*(2*r.Float64()-0.5))
				case 1:
					x, y = c.x+c.reach/2*r.NormFloat64(), c.y+c.reach/2*r.NormFloat64()
				case 2: // on the bisector with a neighbour
					j := c.near[r.IntN(len(c.near))]
					mx, my := (c.x+schools.x[j])/2, (c.y+schools.y[j])/2
					u := r.NormFloat64() * sd
					x, y = mx+u*(schools.y[j]-c.y), my-u*(schools.x[j]-c.x)
					onLine++
				}
				rd := offsetRadius(x-c.x, y-c.y)
				nearer, _ := schools.anyNearer(x, y, rd, i, nil)
				if got := c.contains(schools, x, y); got != !nearer {
					t.Fatalf("sd %g school %d: (%v, %v) in the catchment by its cuts: %v, by the index: %v", sd, i, x, y, got, !nearer)
				}
				if got := alone.contains(schools, x, y); got != !nearer {
					t.Fatalf("sd %g school %d: (%v, %v) in the catchment by its cuts and the index alone: %v, by the index: %v", sd, i, x, y, got, !nearer)
				}
				if nearer {
					continue
				}
				in++
				ox, oy := (x-c.x)/sd, (y-c.y)/sd
				if math.Abs(ox) <= homeReach && math.Abs(oy) <= homeReach && (ox < c.lo.x || ox > c.hi.x || oy < c.lo.y || oy > c.hi.y) {
					t.Fatalf("sd %g school %d: (%g, %g) is in its catchment, outside its box [%g, %g]×[%g, %g] SDs",
						sd, i, x, y, c.lo.x, c.hi.x, c.lo.y, c.hi.y)
				}
			}
		}
		if in < 1000 || onLine < 1000 {
			t.Fatalf("sd %g: %d points in a catchment, %d on a bisector; the test tests little", sd, in, onLine)
		}
		if sd >= 0.5 && sd <= 2 && small < len(pop.Schools)/2 {
			t.Errorf("sd %g: only %d of %d boxes are under half their square's side", sd, small, len(pop.Schools))
		}
	}
}

// TestCatchmentOfSchoolsCloseBy: two schools a hair apart (a tenth of a
// metre, and one float32 step at 10 km) share a bisector along which the
// index's rounding makes them equally near far out, wider than the box's
// margin; the box still holds every point of either's catchment, and
// whether a point is in it is the index's answer.
func TestCatchmentOfSchoolsCloseBy(t *testing.T) {
	for _, pair := range [][2]float32{{0, 1e-4}, {10, math.Nextafter32(10, 11)}} {
		pop := &agents.Population{Schools: make([]agents.School, 6)}
		for i := range pop.Schools {
			s := &pop.Schools[i]
			s.Index = int32(i)
			s.X, s.Y = pair[0]+float32(i-1)*3, 1
		}
		pop.Schools[0].X, pop.Schools[0].Y = pair[0], 0
		pop.Schools[1].X, pop.Schools[1].Y = pair[1], 0
		schools, catchmentOf := catchmentsOf(pop)
		r := rand.New(rand.NewPCG(17, 18))
		const sd = 2
		for i := range int32(2) {
			c := catchmentOf(i, sd)
			in := 0
			for k := range 20000 {
				// Along the pair's bisector, far out, and anywhere.
				x := (schools.x[0]+schools.x[1])/2 + 1e-6*r.NormFloat64()
				y := c.reach * (2*r.Float64() - 1)
				if k%2 == 1 {
					x = c.x + c.reach*(2*r.Float64()-1)
				}
				rd := offsetRadius(x-c.x, y-c.y)
				nearer, _ := schools.anyNearer(x, y, rd, i, nil)
				if got := c.contains(schools, x, y); got != !nearer {
					t.Fatalf("%v school %d: (%v, %v) in the catchment by its cuts: %v, by the index: %v", pair, i, x, y, got, !nearer)
				}
				if nearer {
					continue
				}
				in++
				if ox, oy := (x-c.x)/sd, (y-c.y)/sd; ox < c.lo.x || ox > c.hi.x || oy < c.lo.y || oy > c.hi.y {
					t.Fatalf("%v school %d: (%v, %v) is in its catchment, outside its box [%g, %g]×[%g, %g] SDs",
						pair, i, x, y, c.lo.x, c.hi.x, c.lo.y, c.hi.y)
				}
			}
			if in < 1000 {
				t.Fatalf("%v school %d: only %d points in the catchment", pair, i, in)
			}
		}
	}
}

// scatteredSchools returns n schools scattered unevenly, a
// tenth of them on a lattice, some twice at one place.
func scatteredSchools(n int) *agents.Population {
	r := rand.New(rand.NewPCG(7, 8))
	pop := &agents.Population{Schools: make([]agents.School, n)}
	for i := range pop.Schools {
		s := &pop.Schools[i]
		s.Index = int32(i)
		s.X, s.Y = float32(r.NormFloat64()*5), float32(r.NormFloat64()*3)
		if i%10 == 0 {
			s.X, s.Y = float32(i%7), float32(i%3)
		}
	}
	return pop
}

// catchmentsOf indexes pop's schools as an admission round does and
// returns the index and school i's catchment for homes spread sd km per
// axis.
func catchmentsOf(pop *agents.Population) (*grid, func(i int32, sd float64) catchment) {
	schools := schoolGrid(&sim.World{Pop: pop})
	var near nearest
	km := make([]float64, len(pop.Schools))
	return schools, func(i int32, sd float64) catchment {
		var c catchment
		c.set(schools, i, sd, &near, km)
		return c
	}
}

// TestResidenceIsTheNormalInTheCatchment: residence's homes have the
// distribution of the normal around the school conditioned on the
// catchment, as drawing from the whole normal until a home falls in the
// catchment gives it (without a cap on the draws): on lattices of
// schools 0.5 km apart with homes spread 2 km and 2 km apart with homes
// spread 1 km, at a school inside, one on an edge and one in a corner,
// the means and SDs of the homes' offsets agree within 4.5 standard
// errors; and no home is put at the school.
func TestResidenceIsTheNormalInTheCatchment(t *testing.T) {
	const side, n = 12, 6000
	// Catchments a quarter and two SDs of the spread across.
	for _, v := range []struct{ spacing, sd float64 }{{0.5, 2}, {2, 1}} {
		pop := &agents.Population{Schools: make([]agents.School, side*side)}
		for i := range pop.Schools {
			s := &pop.Schools[i]
			s.Index = int32(i)
			s.X, s.Y = float32(float64(i%side)*v.spacing), float32(float64(i/side)*v.spacing)
		}
		schools, catchmentOf := catchmentsOf(pop)
		var buf []int32
		r := rand.New(rand.NewPCG(5, 6))
		for _, i := range []int32{side*side/2 + side/2, side / 2, 0} {
			c := catchmentOf(i, v.sd)
			var got, want [2][]float64
			atSchool := 0
			for range n {
				x, y := c.residence(schools, r)
				if x == c.x && y == c.y {
					atSchool++
				}
				got[0], got[1] = append(got[0], x-c.x), append(got[1], y-c.y)
				for {
					x, y := c.x+v.sd*r.NormFloat64(), c.y+v.sd*r.NormFloat64()
					rd := offsetRadius(x-c.x, y-c.y)
					var nearer bool
					if nearer, buf = schools.anyNearer(x, y, rd, i, buf); !nearer {
						want[0], want[1] = append(want[0], x-c.x), append(want[1], y-c.y)
						break
					}
				}
			}
			if atSchool > 0 {
				t.Errorf("%+v school %d: %d of %d homes at the school", v, i, atSchool, n)
			}
			for axis := range 2 {
				gm, gs := stat.MeanStdDev(got[axis], nil)
				wm, ws := stat.MeanStdDev(want[axis], nil)
				if z := (gm - wm) / math.Sqrt((gs*gs+ws*ws)/n); math.Abs(z) > 4.5 {
					t.Errorf("%+v school %d axis %d: mean offset %.4f km, the conditioned normal's %.4f (z = %.1f)", v, i, axis, gm, wm, z)
				}
				// The SD of a sample SD is about SD/√(2n) for a light-tailed variable.
				if z := (gs - ws) / math.Sqrt((gs*gs+ws*ws)/(2*n)); math.Abs(z) > 4.5 {
					t.Errorf("%+v school %d axis %d: SD of the offsets %.4f km, the conditioned normal's %.4f (z = %.1f)", v, i, axis, gs, ws, z)
				}
			}
		}
	}
}

// TestTruncNormalSqueeze: the bound truncNormal keeps a uniform below
// without the exponential lies below the exponential itself for every
// t = z²/2 of an interval it samples (z up to √(2π)), tiny ones too, so
// that it keeps exactly the draws the exponential alone would.
func TestTruncNormalSqueeze(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for k := range 200000 {
		x := math.Pi * r.Float64() // t = z²/2 for z below √(2π)
		if k%2 == 1 {
			x = math.Ldexp(1, -r.IntN(80)) * r.Float64()
		}
		if bound, e := 1-x-0x1p-50, fmath.Exp(-x); !(bound <= e) {
			t.Fatalf("t = %v: the bound %v is above exp(−t) = %v", x, bound, e)
		}
	}
}

// TestTruncNormalStaysInside: every draw lies in its interval, for
// intervals narrow and wide, one-sided and empty.
func TestTruncNormalStaysInside(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	for _, iv := range [][2]float64{{0, 0}, {-1e-9, 1e-9}, {-0.1, 0.3}, {0, 2}, {-2.5, 0}, {-1, 1.6}, {-8, 8}, {-0.01, 8}} {
		for range 2000 {
			if z := truncNormal(r, iv[0], iv[1]); z < iv[0] || z > iv[1] {
				t.Fatalf("[%g, %g]: drew %g", iv[0], iv[1], z)
			}
		}
	}
}
