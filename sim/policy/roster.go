package policy

import (
	"fmt"
	"slices"

	"schoolnet/agents"
)

// ResolveRoster turns select.ids and select.district_names into the
// school and district numbers of roster r, which must name every one; it
// is an error to give either without a roster (r nil). suggest, if not
// nil, returns the id nearest an unknown one (or ""). Errors are
// *FieldError.
func (s *Selection) ResolveRoster(r *agents.Roster, suggest func(id string, ids []string) string) error {
	s.idSchools, s.nameDistricts = nil, nil
	if len(s.IDs) == 0 && len(s.DistrictNames) == 0 {
		return nil
	}
	if r == nil {
		key := "select.ids"
		if len(s.IDs) == 0 {
			key = "select.district_names"
		}
		return fieldErr(key, "needs a roster ([population] roster); without one, name schools by number in select.schools and districts in select.districts")
	}
	index := make(map[string]int, len(r.Schools))
	ids := make([]string, len(r.Schools))
	for i, sc := range r.Schools {
		index[sc.ID] = i
		ids[i] = sc.ID
	}
	for _, id := range s.IDs {
		i, ok := index[id]
		if !ok {
			hint := ""
			if suggest != nil {
				if h := suggest(id, ids); h != "" {
					hint = fmt.Sprintf(" (did you mean %q?)", h)
				}
			}
			return fieldErr("select.ids", "no school of the roster %s has id %q%s", r.File, id, hint)
		}
		s.idSchools = append(s.idSchools, i)
	}
	for _, name := range s.DistrictNames {
		d := slices.Index(r.Districts, name)
		if d < 0 {
			return fieldErr("select.district_names", "the roster %s has no district %q; its districts are %q", r.File, name, r.Districts)
		}
		s.nameDistricts = append(s.nameDistricts, d)
	}
	return nil
}

// districts returns the districts eligibility is restricted to, by
// number and by name; none means all.
func (s *Selection) districts() []int {
	if len(s.nameDistricts) == 0 {
		return s.Districts
	}
	return append(slices.Clone(s.Districts), s.nameDistricts...)
}

// listed returns the schools rule list names, by number and by id.
func (s *Selection) listed() []int {
	if len(s.idSchools) == 0 {
		return s.Schools
	}
	return append(slices.Clone(s.Schools), s.idSchools...)
}
