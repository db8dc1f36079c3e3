package policy

import (
	"cmp"
	"iter"
	"math"
	"slices"

	"schoolnet/sim"
	"schoolnet/sim/fmath"
)

// grid is a spatial index of points (schools, in km): square cells, each
// listing its points in increasing index, of a side that puts about two
// points in each occupied cell however unevenly the points spread (a
// ring of districts, a roster's towns). It answers the questions the
// policies used to answer by scanning every school (is any school nearer
// than d, which n are nearest) in time that grows with the points near
// the query, not with all of them, and with the same answers, ties
// included: every distance it compares is the same fmath.Hypot of the
// same differences, and a cell is left out only if all of its points are
// certainly farther than the radius asked for.
type grid struct {
	x, y       []float64
	minX, minY float64
	cell       float64          // side of a cell, km
	maxC, maxR int              // the last column and row
	keys       []uint64         // the occupied cells, in increasing key
	slot       map[uint64]int32 // a cell's position in keys (sparse boxes)
	table      []int32          // or by row·(maxC+1)+col, −1 if empty
	start      []int32          // cell keys[c]'s points are pts[start[c]:end[c]]
	end        []int32
	pts        []int32
	// f32 measures as agents.Distance does: the differences of float32
	// coordinates rounded to float32, for schools against schools.
	f32 bool
}

// newGrid indexes the n points (x(i), y(i)).
func newGrid(n int, at func(i int) (x, y float64)) *grid {
	g := &grid{x: make([]float64, n), y: make([]float64, n), cell: 1}
	g.minX, g.minY = math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	for i := range n {
		g.x[i], g.y[i] = at(i)
		g.minX, g.minY = min(g.minX, g.x[i]), min(g.minY, g.y[i])
		maxX, maxY = max(maxX, g.x[i]), max(maxY, g.y[i])
	}
	g.pts = make([]int32, n)
	for i := range g.pts {
		g.pts[i] = int32(i)
	}
	key := make([]uint64, n)
	// Halve the side, from the whole bounding box on, until about half
	// as many cells as points are occupied (or the side is a millionth of
	// the box).
	span := max(maxX-g.minX, maxY-g.minY)
	if n > 0 && span > 0 && !math.IsInf(span, 0) {
		g.cell = span
		for {
			g.index(key)
			if 2*len(g.keys) >= n || g.cell < span/(1<<20) {
				break
			}
			g.cell /= 2
		}
	}
	g.index(key)
	g.end = slices.Clone(g.start[1:])
	g.maxC, g.maxR = g.col(maxX), g.row(maxY)
	// A table of every cell of the box when it is not much larger than
	// the points, else a map of the occupied ones.
	if cells := (g.maxC + 1) * (g.maxR + 1); cells <= 16*n+1024 {
		g.table = make([]int32, cells)
		for c := range g.table {
			g.table[c] = -1
		}
		for c, k := range g.keys {
			g.table[int(k&(1<<32-1))*(g.maxC+1)+int(k>>32)] = int32(c)
		}
	} else {
		g.slot = make(map[uint64]int32, len(g.keys))
		for c, k := range g.keys {
			g.slot[k] = int32(c)
		}
	}
	return g
}

// cellAt returns the position in keys of the cell at col and row (within
// the box), or false if no point lies in it.
func (g *grid) cellAt(col, row int) (int32, bool) {
	if g.table != nil {
		c := g.table[row*(g.maxC+1)+col]
		return c, c >= 0
	}
	c, ok := g.slot[g.key(col, row)]
	return c, ok
}

// remove takes point i out of the index: searches no longer find it.
func (g *grid) remove(i int32) {
	c, _ := g.cellAt(g.col(g.x[i]), g.row(g.y[i]))
	cell := g.pts[g.start[c]:g.end[c]]
	if k := slices.Index(cell, i); k >= 0 {
		cell[k] = cell[len(cell)-1]
		g.end[c]--
	}
}

// index sorts the points by cell (then index) at the present side and
// records the occupied cells; key is scratch.
func (g *grid) index(key []uint64) {
	for i := range key {
		key[i] = g.key(g.col(g.x[i]), g.row(g.y[i]))
	}
	slices.SortFunc(g.pts, func(p, q int32) int { return cmp.Or(cmp.Compare(key[p], key[q]), cmp.Compare(p, q)) })
	g.keys, g.start = g.keys[:0], g.start[:0]
	for j, i := range g.pts {
		if j == 0 || key[i] != g.keys[len(g.keys)-1] {
			g.keys = append(g.keys, key[i])
			g.start = append(g.start, int32(j))
		}
	}
	g.start = append(g.start, int32(len(g.pts)))
}

// col and row return the column and row of coordinates x and y (at least
// 0); both are non-decreasing in their argument.
func (g *grid) col(x float64) int { return cellOf((x - g.minX) / g.cell) }

func (g *grid) row(y float64) int { return cellOf((y - g.minY) / g.cell) }

// cellOf returns floor(v) within [0, 2³⁰] (NaN gives 0).
func cellOf(v float64) int {
	if !(v > 0) {
		return 0
	}
	return int(math.Floor(min(v, 1<<30)))
}

func (g *grid) key(col, row int) uint64 { return uint64(col)<<32 | uint64(row) }

// dist is the distance from (x, y) to point i, as the policies compute it.
func (g *grid) dist(x, y float64, i int32) float64 {
	if g.f32 {
		return fmath.Hypot(float64(float32(x)-float32(g.x[i])), float64(float32(y)-float32(g.y[i])))
	}
	return fmath.Hypot(x-g.x[i], y-g.y[i])
}

// near appends to out every point within r of (x, y) (of those not
// removed), and possibly others
// farther away: the points of every cell that meets the square of side
// 2r (a little more, for rounding) around it. It reports whether that
// square covers the whole grid, so that out holds every point.
func (g *grid) near(x, y, r float64, out []int32) ([]int32, bool) {
	// fmath.Hypot(dx, dy) ≥ max(|dx|, |dy|), so a point within r lies in
	// the square; the margin covers the rounding of the differences (to
	// float32 with f32) and of x − r.
	r = float64(r*(1+1e-6)) + 1e-6
	if len(g.pts) == 0 {
		return out, true
	}
	c0, c1 := g.col(x-r), min(g.maxC, g.col(x+r))
	r0, r1 := g.row(y-r), min(g.maxR, g.row(y+r))
	all := c0 == 0 && r0 == 0 && c1 == g.maxC && r1 == g.maxR
	if c0 > c1 || r0 > r1 {
		return out, all
	}
	if (c1-c0+1)*(r1-r0+1) > len(g.keys) {
		// A large square: walk the occupied cells instead.
		for c, k := range g.keys {
			if col, row := int(k>>32), int(uint32(k)); col >= c0 && col <= c1 && row >= r0 && row <= r1 {
				out = append(out, g.pts[g.start[c]:g.end[c]]...)
			}
		}
		return out, all
	}
	for col := c0; col <= c1; col++ {
		for row := r0; row <= r1; row++ {
			if c, ok := g.cellAt(col, row); ok {
				out = append(out, g.pts[g.start[c]:g.end[c]]...)
			}
		}
	}
	return out, all
}

// anyNearer reports whether a point other than skip is strictly nearer
// to (x, y) than rd. It looks in the cell of (x, y) first and then in the
// cells next to it, where a nearer point usually is, and stops at the
// first it finds; only if none is there does it look in the whole square
// of side 2rd. Each point is compared by its squared distance first, and
// by dist only when the two cannot be told apart that way (anyWithin),
// so the answer is dist's. g must measure in float64 (not f32). buf is
// scratch.
func (g *grid) anyNearer(x, y float64, rd radius, skip int32, buf []int32) (bool, []int32) {
	if len(g.pts) == 0 {
		return false, buf
	}
	c, r := g.col(x), g.row(y)
	if c <= g.maxC && r <= g.maxR {
		if k, ok := g.cellAt(c, r); ok && g.cellWithin(k, x, y, rd, skip) {
			return true, buf
		}
	}
	for col := max(0, c-1); col <= min(g.maxC, c+1); col++ {
		for row := max(0, r-1); row <= min(g.maxR, r+1); row++ {
			if col == c && row == r {
				continue
			}
			if k, ok := g.cellAt(col, row); ok && g.cellWithin(k, x, y, rd, skip) {
				return true, buf
			}
		}
	}
	buf, _ = g.near(x, y, rd.bound(), buf[:0])
	return g.anyWithin(buf, x, y, &rd, skip), buf
}

// cellWithin reports whether a point of cell k other than skip is
// strictly within rd of (x, y).
func (g *grid) cellWithin(k int32, x, y float64, rd radius, skip int32) bool {
	return g.anyWithin(g.pts[g.start[k]:g.end[k]], x, y, &rd, skip)
}

// anyWithin reports whether one of the points pts other than skip is
// strictly within rd of (x, y), by g.dist: by the squared distance where
// it lies outside rd's band, else by dist (NaN is neither within the band
// nor within the radius).
func (g *grid) anyWithin(pts []int32, x, y float64, rd *radius, skip int32) bool {
	for _, j := range pts {
		if j == skip {
			continue
		}
		dx, dy := x-g.x[j], y-g.y[j]
		if s := float64(dx*dx) + float64(dy*dy); s < rd.lo || s <= rd.hi && g.dist(x, y, j) < rd.dist() {
			return true
		}
	}
	return false
}

// radius is a distance to compare others with, by g.dist: given as a
// distance d, or as the offset (dx, dy) whose fmath.Hypot it is, so that
// the square root need not be taken unless a comparison needs it.
// Comparisons go by the squared distance against [lo, hi], d² widened and
// narrowed by a margin far above the rounding of a squared distance and of
// fmath.Hypot (a few units in the last place): a point whose squared
// distance lies outside it is certainly nearer or farther than d by dist
// too, and one inside it is compared by dist. Where a square would lose
// precision (a radius tiny or huge), the band is everything, so that
// every comparison is by dist.
type radius struct {
	d, dx, dy float64
	lo, hi    float64
	offset    bool // given as (dx, dy)
}

// distRadius returns the radius d, for a grid of float64 distances.
func distRadius(d float64) radius {
	rd := radius{d: d, lo: math.Inf(-1), hi: math.Inf(1)}
	if d > 1e-100 && d < 1e100 {
		d2 := float64(d * d)
		rd.lo, rd.hi = float64(d2*(1-1e-9)), float64(d2*(1+1e-9))
	}
	return rd
}

// offsetRadius returns the radius fmath.Hypot(dx, dy), for a grid of
// float64 distances.
func offsetRadius(dx, dy float64) radius {
	s := float64(dx*dx) + float64(dy*dy)
	if !(s > 1e-200 && s < 1e200) {
		return distRadius(fmath.Hypot(dx, dy))
	}
	return radius{dx: dx, dy: dy, lo: float64(s * (1 - 1e-9)), hi: float64(s * (1 + 1e-9)), offset: true}
}

// dist returns the radius.
func (rd *radius) dist() float64 {
	if rd.offset {
		return fmath.Hypot(rd.dx, rd.dy)
	}
	return rd.d
}

// bound returns a distance at least the radius.
func (rd *radius) bound() float64 {
	if rd.offset {
		return math.Sqrt(rd.hi)
	}
	return rd.d
}

// nearest is a search outward from (x, y): it returns the points in order
// of increasing distance (ties by index), as far out as the caller needs.
type nearest struct {
	g    *grid
	x, y float64
	r    float64
	cand []int32   // points found so far, sorted by (distance, index)
	km   []float64 // km[i] is point i's distance, for the points of cand
	sure int       // cand[:sure] are the nearest points, in order
	all  bool      // cand holds every point
}

// reset starts a search from (x, y); km must have a place per point.
func (s *nearest) reset(g *grid, x, y float64, km []float64) {
	s.g, s.x, s.y, s.km = g, x, y, km
	s.r = g.cell / 2
	s.cand, s.sure, s.all = s.cand[:0], 0, false
}

// at returns the j-th nearest point (from 0), or false when there are no
// more than j points; km holds the distance of each point returned.
func (s *nearest) at(j int) (int32, bool) {
	for j >= s.sure {
		if s.all {
			return 0, false
		}
		s.widen()
	}
	return s.cand[j], true
}

// index returns the rank of point i by distance (ties by index).
func (s *nearest) index(i int32) int {
	for j := 0; ; j++ {
		k, ok := s.at(j)
		if !ok {
			return -1
		}
		if k == i {
			return j
		}
	}
}

// widen searches the square of side 2r, then doubles r: afterwards every
// point within the old r is in cand, and sure counts them.
func (s *nearest) widen() {
	s.cand, s.all = s.g.near(s.x, s.y, s.r, s.cand[:0])
	for _, i := range s.cand {
		s.km[i] = s.g.dist(s.x, s.y, i)
	}
	slices.SortFunc(s.cand, func(p, q int32) int {
		return cmp.Or(cmp.Compare(s.km[p], s.km[q]), cmp.Compare(p, q))
	})
	if s.all {
		s.sure = len(s.cand)
	} else {
		s.sure, _ = slices.BinarySearchFunc(s.cand, s.r, func(i int32, r float64) int {
			if s.km[i] <= r {
				return -1
			}
			return 1
		})
	}
	s.r *= 2
}

// nearFirst lists candidate schools by distance from any school, as far
// as the caller reads: by agents.Distance, ties by position among the
// candidates, and with byDistrict those of the school's own district
// first (the order of the rotation's and the groups' preferences). It
// keeps O(candidates) memory, where sorted lists for every school would
// keep O(schools × candidates), and reads O(log) of the index per
// candidate it yields.
type nearFirst struct {
	w          *sim.World
	cand       []int32 // candidate schools
	byDistrict bool
	district   [][]int32 // district[d]: positions in cand of district d's candidates
	g          *grid
	search     nearest
	km         []float64
	own        []int32
}

// newNearFirst indexes the candidates, given in increasing index.
func newNearFirst(w *sim.World, cand []int32, byDistrict bool) *nearFirst {
	n := &nearFirst{w: w, cand: cand, byDistrict: byDistrict, km: make([]float64, len(cand))}
	for k, b := range cand {
		d := int(school(w, b).District)
		if d >= len(n.district) {
			n.district = append(n.district, make([][]int32, d+1-len(n.district))...)
		}
		n.district[d] = append(n.district[d], int32(k))
	}
	n.g = newGrid(len(cand), func(k int) (float64, float64) {
		s := school(w, cand[k])
		return float64(s.X), float64(s.Y)
	})
	n.g.f32 = true
	return n
}

// remove takes candidate school b out of the order.
func (n *nearFirst) remove(b int32) {
	if k, ok := slices.BinarySearch(n.cand, b); ok {
		n.g.remove(int32(k))
	}
}

// from returns the candidates other than a in order.
func (n *nearFirst) from(a int32) iter.Seq[int32] {
	return func(yield func(int32) bool) { n.each(a, yield) }
}

// each calls yield with the candidates other than a in order, until yield
// returns false.
func (n *nearFirst) each(a int32, yield func(b int32) bool) {
	sa := school(n.w, a)
	d := -1
	if n.byDistrict {
		d = int(sa.District)
		n.own = n.own[:0]
		if d < len(n.district) {
			for _, k := range n.district[d] {
				if b := n.cand[k]; b != a {
					n.own = append(n.own, b)
				}
			}
		}
		own := n.own
		slices.SortStableFunc(own, func(x, y int32) int {
			return cmp.Compare(distance(sa, school(n.w, x)), distance(sa, school(n.w, y)))
		})
		for _, b := range own {
			if !yield(b) {
				return
			}
		}
	}
	n.search.reset(n.g, float64(sa.X), float64(sa.Y), n.km)
	for j := 0; ; j++ {
		k, ok := n.search.at(j)
		if !ok {
			return
		}
		if b := n.cand[k]; b != a && (d < 0 || int(school(n.w, b).District) != d) && !yield(b) {
			return
		}
	}
}
