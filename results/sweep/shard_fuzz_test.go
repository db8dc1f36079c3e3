package sweep

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"testing"
	"testing/fstest"

	"schoolnet/scenarios"
)

// FuzzMergeShard feeds ReadShard, the reader of sweep directories that
// merge uses, a manifest.json and one file in runs/, seeded with the
// files of a shard of a real small sweep. It must never panic, and what
// it accepts must be sound: each run file recorded in the manifest with
// its SHA-256, holding the run its name says, of a plan of bounded size.
func FuzzMergeShard(f *testing.F) {
	dir := filepath.Join(f.TempDir(), "shard")
	if _, err := Run(context.Background(), smallSweep(f), Options{Out: dir, Shard: 1, Shards: 6}); err != nil {
		f.Fatalf("sweep: %v", err)
	}
	manifest, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		f.Fatal(err)
	}
	runs, err := os.ReadDir(filepath.Join(dir, "runs"))
	if err != nil || len(runs) == 0 {
		f.Fatalf("the shard has no runs: %v", err)
	}
	for _, r := range runs {
		data, err := os.ReadFile(filepath.Join(dir, "runs", r.Name()))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(manifest, r.Name(), data)
	}
	f.Add(manifest, "p0-r0.csv", []byte("run,point\n"))
	f.Add([]byte(`{"scenario_hash":"x","scenario":{"Sweep":{"Method":"lhs","Points":1000000,"Replications":1000000,"Params":[{"Key":"k"}]}}}`), "p0-r0.csv", []byte{})

	f.Fuzz(func(t *testing.T, manifest []byte, name string, run []byte) {
		file := path.Join("runs", name)
		if !fs.ValidPath(file) || file == "runs" {
			return
		}
		fsys := fstest.MapFS{"manifest.json": {Data: manifest}, file: {Data: run}}
		s, err := ReadShard(fsys, "shard")
		if err != nil {
			return
		}
		if n := s.Plan.Runs(); n < 1 || n > scenarios.MaxSweepRuns {
			t.Errorf("accepted a plan of %d runs", n)
		}
		for i, r := range s.Runs {
			h := sha256.Sum256(r.Data)
			if !r.Recorded || s.Manifest.SHA256[file] != hex.EncodeToString(h[:]) {
				t.Errorf("accepted %s, which the manifest does not record with its SHA-256", file)
			}
			if r.Run.Run != i || s.Plan.Name(i) != name || r.Run.Point != i/s.Plan.Reps || r.Run.Replication != i%s.Plan.Reps {
				t.Errorf("accepted %s as run %d, holding run %d (point %d, replication %d)", name, i, r.Run.Run, r.Run.Point, r.Run.Replication)
			}
		}
	})
}
