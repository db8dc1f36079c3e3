package sim

import (
	"fmt"
	"math"

	"schoolnet/agents"
)

// Size is a named scale of school system for benchmarks.
type Size struct {
	Name     string
	Schools  int
	Students int
}

// Sizes are the benchmark scales: a district, a city of Shanghai's order
// (about 1,600 schools), and a province.
var Sizes = []Size{
	{"district", 100, 60_000},
	{"city", 1_600, 1_000_000},
	{"province", 10_000, 8_000_000},
}

// SizeNamed returns the size of that name.
func SizeNamed(name string) (Size, error) {
	for _, s := range Sizes {
		if s.Name == name {
			return s, nil
		}
	}
	return Size{}, fmt.Errorf("sim: unknown size %q; one of district, city, province", name)
}

// Population returns the default population scaled to about the size's
// schools and students: districts of 25 schools, and the class size that
// gives the students with the default tier mix of classes.
func (z Size) Population() agents.PopulationSpec {
	pop := agents.DefaultPopulation()
	pop.SchoolsPerDistrict = 25
	pop.Districts = max(1, z.Schools/pop.SchoolsPerDistrict)
	var classes float64 // mean classes per grade
	for t := range agents.Tier(agents.NumTiers) {
		classes += float64(pop.Tier(t).Share * float64(pop.Tier(t).ClassesPerGrade)) // rounded: no fused multiply-add (see fmath)
	}
	perSchool := float64(z.Students) / float64(pop.NumSchools())
	pop.ClassSize = max(2, int(math.Round(perSchool/(classes*float64(pop.Grades)))))
	return pop
}
