package evaluate_test

import (
	"fmt"
	"log"
	"os"

	"schoolnet/results/evaluate"
)

// Read the panel that `schoolnet evaluate --export-data` wrote and
// re-estimate a study's difference in differences, as the did design
// does; any other estimator can work on the same data.
func ExampleReadStudy() {
	students, err := os.Open("testdata/did/study_students.csv")
	if err != nil {
		log.Fatal(err)
	}
	defer students.Close()
	schools, err := os.Open("testdata/did/study_schools.csv")
	if err != nil {
		log.Fatal(err)
	}
	defer schools.Close()
	studies, err := evaluate.ReadStudy(students, schools)
	if err != nil {
		log.Fatal(err)
	}
	d := studies[evaluate.StudyKey{Replication: 0, Assignment: "voluntary"}]
	fmt.Printf("%d students at baseline, %d at follow-up, %d schools\n", len(d.Pre), len(d.Post), len(d.Schools))
	did := d.DID(0) // maths
	fmt.Printf("DID on maths: %.4f (SE %.4f, %d schools, 95%% interval %.3f to %.3f)\n", did.Value, did.SE, did.Clusters, did.Lo, did.Hi)
	// Output:
	// 168 students at baseline, 168 at follow-up, 10 schools
	// DID on maths: 0.3347 (SE 0.4494, 10 schools, 95% interval -0.682 to 1.351)
}
