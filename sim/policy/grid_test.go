package policy

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"schoolnet/agents"
	"schoolnet/sim"
	"schoolnet/sim/fmath"
)

// TestGridAgreesWithScan checks the spatial index against the scans it
// replaced, on point sets with exact ties (lattices, repeated points, a
// line, one point): anyNearer gives the scan's answer, and the nearest
// search lists the points in the order of a stable sort by distance.
func TestGridAgreesWithScan(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	sets := map[string][][2]float64{"one": {{3, 4}}}
	var lattice, line, dup, cloud [][2]float64
	for i := range 15 {
		for j := range 15 {
			lattice = append(lattice, [2]float64{float64(i), float64(j)})
		}
	}
	for i := range 50 {
		line = append(line, [2]float64{float64(i) / 3, 7})
		dup = append(dup, [2]float64{float64(i % 5), float64(i % 3)})
	}
	for range 300 {
		cloud = append(cloud, [2]float64{r.NormFloat64() * 5, r.NormFloat64() * 2})
	}
	var ring [][2]float64 // a sparse box: the index keeps a map of cells
	for i := range 1600 {
		a := float64(i%1500) / 1500 * 2 * math.Pi
		ring = append(ring, [2]float64{float64(int(1000 * math.Cos(a))), float64(int(1000 * math.Sin(a)))})
	}
	sets["lattice"], sets["line"], sets["duplicates"], sets["cloud"], sets["ring"] = lattice, line, dup, cloud, ring
	for name, pts := range sets {
		g := newGrid(len(pts), func(i int) (float64, float64) { return pts[i][0], pts[i][1] })
		if name == "ring" && g.table != nil {
			t.Fatalf("ring: the index made a table of %d cells for %d points", len(g.table), len(pts))
		}
		var near nearest
		var buf []int32
		km := make([]float64, len(pts))
		for q := range 200 {
			x, y := r.NormFloat64()*6, r.NormFloat64()*6
			if name == "ring" {
				x, y = r.NormFloat64()*800, r.NormFloat64()*800
			}
			if q%2 == 0 { // on a point: distance 0 and exact ties
				p := pts[r.IntN(len(pts))]
				x, y = p[0], p[1]
			}
			want := make([]int32, len(pts))
			for i := range want {
				want[i] = int32(i)
				km[i] = g.dist(x, y, int32(i))
			}
			slices.SortStableFunc(want, func(a, b int32) int { return cmp.Compare(km[a], km[b]) })
			near.reset(g, x, y, make([]float64, len(pts)))
			for j, i := range want {
				got, ok := near.at(j)
				if !ok || got != i {
					t.Fatalf("%s: query (%g, %g): point %d of the order is %d (%v), want %d", name, x, y, j, got, ok, i)
				}
			}
			if _, ok := near.at(len(pts)); ok {
				t.Fatalf("%s: the search returned more points than there are", name)
			}
			// A radius at a point's distance and one unit in the last place
			// either side: anyNearer compares squares first, and must give
			// the scan's answer where they cannot tell.
			skip := int32(r.IntN(len(pts)))
			at := km[r.IntN(len(pts))]
			for _, d := range []float64{at, math.Nextafter(at, 0), math.Nextafter(at, math.Inf(1))} {
				scan := false
				for i := range pts {
					if int32(i) != skip && km[i] < d {
						scan = true
					}
				}
				var got bool
				if got, buf = g.anyNearer(x, y, distRadius(d), skip, buf); got != scan {
					t.Fatalf("%s: anyNearer(%g, %g, %g) = %v, the scan says %v", name, x, y, d, got, scan)
				}
			}
			// A radius given by an offset, as residence gives it: the
			// distance from a point of the set.
			o := pts[skip]
			scan := false
			for i := range pts {
				if int32(i) != skip && km[i] < km[skip] {
					scan = true
				}
			}
			var got bool
			if got, buf = g.anyNearer(x, y, offsetRadius(x-o[0], y-o[1]), skip, buf); got != scan {
				t.Fatalf("%s: anyNearer(%g, %g) of point %d = %v, the scan says %v", name, x, y, skip, got, scan)
			}
		}
	}
}

// nearestFirstScan is the order nearFirst gives, by the sort of every
// candidate that it replaced: the candidates other than a, those of a's
// district first, each group by rising distance from a (ties by
// position).
func nearestFirstScan(w *sim.World, a int32, candidates []int32) []int32 {
	sa := school(w, a)
	var list []int32
	for _, b := range candidates {
		if b != a {
			list = append(list, b)
		}
	}
	other := func(b int32) int {
		if school(w, b).District == sa.District {
			return 0
		}
		return 1
	}
	slices.SortStableFunc(list, func(x, y int32) int {
		return cmp.Or(cmp.Compare(other(x), other(y)),
			cmp.Compare(distance(sa, school(w, x)), distance(sa, school(w, y))))
	})
	return list
}

// TestNearFirstAgreesWithSort checks the rotation's and the groups'
// preference order (nearFirst) against the full sort, on schools with
// repeated positions, for candidates of every second school.
func TestNearFirstAgreesWithSort(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	pop := &agents.Population{Schools: make([]agents.School, 400)}
	for i := range pop.Schools {
		s := &pop.Schools[i]
		s.Index, s.District = int32(i), int32(i/25)
		s.X, s.Y = float32(r.IntN(30))/3, float32(r.NormFloat64()*4)
		if i%7 == 0 {
			s.X, s.Y = 1, 1
		}
	}
	w := &sim.World{Pop: pop}
	var cand []int32
	for i := 0; i < len(pop.Schools); i += 2 {
		cand = append(cand, int32(i))
	}
	near := newNearFirst(w, cand, true)
	for a := range int32(len(pop.Schools)) {
		want := nearestFirstScan(w, a, cand)
		got := slices.Collect(near.from(a))
		if !slices.Equal(got, want) {
			t.Fatalf("school %d: order %v, the sort gives %v", a, got, want)
		}
	}
}

// allianceScan is the greedy clustering of Alliance.form by the sorts it
// used before the spatial index: the farthest school from the centroid
// seeds, and takes its nearest unassigned schools.
func allianceScan(w *sim.World, chosen []int32, size int) [][]int {
	n := len(chosen)
	var cx, cy float64
	for _, i := range chosen {
		s := school(w, i)
		cx += float64(s.X) / float64(n)
		cy += float64(s.Y) / float64(n)
	}
	pos := func(k int) (float64, float64) { s := school(w, chosen[k]); return float64(s.X), float64(s.Y) }
	dist := func(k, l int) float64 {
		xk, yk := pos(k)
		xl, yl := pos(l)
		return fmath.Hypot(xk-xl, yk-yl)
	}
	of := make([]int, n)
	var out [][]int
	left := make([]int, n)
	for k := range left {
		left[k] = k
	}
	for len(left) > 0 {
		if len(left) == 1 && len(out) > 0 {
			k, near := left[0], -1
			for l := range n {
				if l != k && (near < 0 || dist(k, l) < dist(k, near)) {
					near = l
				}
			}
			out[of[near]] = append(out[of[near]], k)
			slices.Sort(out[of[near]])
			break
		}
		seed := left[0]
		for _, k := range left[1:] {
			xk, yk := pos(k)
			xs, ys := pos(seed)
			if fmath.Hypot(xk-cx, yk-cy) > fmath.Hypot(xs-cx, ys-cy) {
				seed = k
			}
		}
		slices.SortStableFunc(left, func(k, l int) int {
			return cmp.Or(cmp.Compare(dist(seed, k), dist(seed, l)), cmp.Compare(k, l))
		})
		m := min(size, len(left))
		members := slices.Clone(left[:m])
		slices.Sort(members)
		left = slices.Delete(left, 0, m)
		slices.Sort(left)
		for _, k := range members {
			of[k] = len(out)
		}
		out = append(out, members)
	}
	return out
}

// TestAllianceFormAgreesWithSort checks the alliances Alliance.form makes
// from the spatial index against the clustering by full sorts, for
// remainders of one and more, on positions with ties.
func TestAllianceFormAgreesWithSort(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	par := agents.DefaultParams()
	for _, n := range []int{1, 2, 5, 7, 31, 100, 301} {
		for _, size := range []int{2, 3, 4, 6} {
			pop := &agents.Population{Schools: make([]agents.School, n)}
			chosen := make([]int32, n)
			for i := range pop.Schools {
				s := &pop.Schools[i]
				s.Index = int32(i)
				s.X, s.Y = float32(r.IntN(12)), float32(r.IntN(12))/2
				chosen[i] = int32(i)
			}
			w := &sim.World{Pop: pop, Par: &par}
			sp, _ := NewSpec("curriculum-alliance")
			a := sp.New(0).(*Alliance)
			a.Spec.MembersPerAlliance = size
			a.form(w, chosen)
			if want := allianceScan(w, chosen, size); !slices.EqualFunc(a.alliances, want, slices.Equal) {
				t.Fatalf("%d schools, alliances of %d: %v, the sorts give %v", n, size, a.alliances, want)
			}
		}
	}
}
