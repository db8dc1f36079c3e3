package scenarios

import (
	"errors"
	"testing"

	"schoolnet/agents"
)

// FuzzReadRoster feeds ReadRoster what the fuzzer makes of the shipped
// roster and of small CSV and GeoJSON rosters, as both kinds of file. It
// must never panic; what it refuses is an *Error naming the file; what it
// accepts has at least one school, each with an id, a district of the
// roster and an enrolment, and a population that the baseline's
// settings can check without panicking. `go test -run '^$' -fuzz
// '^FuzzReadRoster$' ./scenarios` runs it.
func FuzzReadRoster(f *testing.F) {
	data, _ := shippedRosters.ReadFile("district-example.csv")
	f.Add(data, true)
	f.Add([]byte(goodRoster), true)
	f.Add([]byte("id,district,lat,lon,enrolment_g7,enrolment_g8,enrolment_g9,prior_achievement\na,N,31,121,100,100,0,0.4\n"), true)
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[121.4,31.1]},"properties":{"id":"a","district":"N","enrolment":500,"tier":"weak"}}]}`), false)
	base := Default()
	f.Fuzz(func(t *testing.T, data []byte, asCSV bool) {
		file := "fuzz.geojson"
		if asCSV {
			file = "fuzz.csv"
		}
		r, err := ReadRoster(file, data)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.File != file {
				t.Fatalf("refused with %v (%T), want an *Error naming %s", err, err, file)
			}
			return
		}
		if len(r.Schools) == 0 {
			t.Fatal("accepted a roster without schools")
		}
		for _, s := range r.Schools {
			if s.ID == "" || s.District < 0 || s.District >= len(r.Districts) || s.Enrolment < 1 {
				t.Fatalf("accepted school %+v", s)
			}
		}
		spec := base.Population
		spec.Roster, spec.Districts = r, len(r.Districts)
		if err := r.Check(&spec); err != nil {
			var re *agents.RosterError
			if !errors.As(err, &re) {
				t.Fatalf("Check refused with %v (%T), want a *RosterError", err, err)
			}
		}
	})
}
