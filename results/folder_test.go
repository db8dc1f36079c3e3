package results

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// text returns a write function that writes s.
func text(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

// writeFolder writes files (name → content) and a manifest into a folder
// at dir and commits it.
func writeFolder(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	f, err := NewFolder(dir, "a.csv", "b.csv", "c.csv", "sub/", "manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Abort()
	for _, n := range slices.Sorted(maps.Keys(files)) {
		if err := f.Write(n, text(files[n])); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.WriteManifest(&Manifest{Program: "schoolnet"}); err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
}

// oldFolder writes files as a committed folder "out" in a fresh root and
// returns the root, the folder and its tree.
func oldFolder(t *testing.T, files map[string]string) (root, dir string, want map[string]string) {
	t.Helper()
	root = t.TempDir()
	dir = filepath.Join(root, "out")
	writeFolder(t, dir, files)
	return root, dir, tree(t, dir)
}

// tree returns every file under dir (slash-separated path → content),
// the manifest's sha256 and files blanked so that trees compare simply.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// entries returns the names in dir.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// withoutExchange makes Commit rename folders one after the other, as on
// file systems that cannot exchange them, for the rest of the test.
func withoutExchange(t *testing.T) {
	saved := exchange
	exchange = func(a, b string) error { return errors.ErrUnsupported }
	t.Cleanup(func() { exchange = saved })
}

func TestFolderCommitReplacesTheWholeFolder(t *testing.T) {
	for _, swap := range []string{"exchange", "rename"} {
		t.Run(swap, func(t *testing.T) {
			if swap == "rename" {
				withoutExchange(t)
			}
			root := t.TempDir()
			dir := filepath.Join(root, "out")
			writeFolder(t, dir, map[string]string{"a.csv": "old a", "b.csv": "old b"})
			writeFolder(t, dir, map[string]string{"a.csv": "new a", "c.csv": "new c", "sub/d.csv": "new d"})
			got := tree(t, dir)
			if got["a.csv"] != "new a" || got["c.csv"] != "new c" || got["sub/d.csv"] != "new d" {
				t.Errorf("after the commit: %v", got)
			}
			if _, ok := got["b.csv"]; ok {
				t.Error("b.csv of the old folder is still there")
			}
			if names := entries(t, root); !slices.Equal(names, []string{"out"}) {
				t.Errorf("beside the folder: %v, want only out", names)
			}
		})
	}
}

func TestFolderManifestListsEntriesAndChecksums(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cmp")
	f, err := NewFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Abort()
	sub := f.Sub("base")
	sub.Write("yearly.csv", text("y"))
	sub.WriteManifest(&Manifest{Program: "schoolnet"})
	f.Mkdir("runs")
	f.Write("compare.csv", text("c"))
	if err := f.WriteManifest(&Manifest{Program: "schoolnet"}); err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		dir   string
		files []string
		sums  []string
	}{
		{dir, []string{"base/", "runs/", "compare.csv", "manifest.json"}, []string{"base/manifest.json", "base/yearly.csv", "compare.csv"}},
		{filepath.Join(dir, "base"), []string{"yearly.csv", "manifest.json"}, []string{"yearly.csv"}},
	} {
		var m Manifest
		if err := json.Unmarshal([]byte(tree(t, tt.dir)["manifest.json"]), &m); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(m.Files, tt.files) {
			t.Errorf("%s: files %v, want %v", tt.dir, m.Files, tt.files)
		}
		var names []string
		for n, sum := range m.SHA256 {
			names = append(names, n)
			data, _ := os.ReadFile(filepath.Join(tt.dir, n))
			if h := sha256.Sum256(data); sum != hex.EncodeToString(h[:]) {
				t.Errorf("%s: sha256 of %s is %s, the file's is %x", tt.dir, n, sum, h)
			}
		}
		if slices.Sort(names); !slices.Equal(names, tt.sums) {
			t.Errorf("%s: checksums of %v, want %v", tt.dir, names, tt.sums)
		}
	}
	if st, err := os.Stat(filepath.Join(dir, "runs")); err != nil || !st.IsDir() {
		t.Errorf("runs/ was not made: %v", err)
	}
}

// TestFolderFailureKeepsTheOldFolder writes over a folder and fails, or
// is killed, at each step before the commit: the old folder must be
// whole, and nothing of the new one visible beside it.
func TestFolderFailureKeepsTheOldFolder(t *testing.T) {
	boom := errors.New("disk on fire")
	old := map[string]string{"a.csv": "old a", "b.csv": "old b"}
	for _, tt := range []struct {
		name string
		// write writes into f and reports an error as the command would
		write  func(f *Folder) error
		killed bool // the process dies: no Abort
	}{
		{"first file fails half-way", func(f *Folder) error {
			return f.Write("a.csv", func(w io.Writer) error { io.WriteString(w, "new a, half"); return boom })
		}, false},
		{"second file fails half-way", func(f *Folder) error {
			f.Write("a.csv", text("new a"))
			return f.Write("b.csv", func(w io.Writer) error { io.WriteString(w, "new b, half"); return boom })
		}, false},
		{"interrupted before the manifest", func(f *Folder) error {
			f.Write("a.csv", text("new a"))
			f.Write("b.csv", text("new b"))
			return boom
		}, false},
		{"killed before the manifest", func(f *Folder) error {
			f.Write("a.csv", text("new a"))
			return f.Write("b.csv", text("new b"))
		}, true},
		{"killed before the commit", func(f *Folder) error {
			f.Write("a.csv", text("new a"))
			return f.WriteManifest(&Manifest{Program: "schoolnet"})
		}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			root, dir, want := oldFolder(t, old)
			f, err := NewFolder(dir, "a.csv", "b.csv", "manifest.json")
			if err != nil {
				t.Fatal(err)
			}
			err = tt.write(f)
			if !tt.killed {
				if !errors.Is(err, boom) {
					t.Fatalf("got %v, want the writer's error", err)
				}
				f.Abort()
			}
			if got := tree(t, dir); !maps.Equal(got, want) {
				t.Errorf("old folder now %v, want %v", got, want)
			}
			names := entries(t, root)
			if !tt.killed && !slices.Equal(names, []string{"out"}) {
				t.Errorf("beside the folder: %v, want only out", names)
			}
			for _, n := range names {
				if n != "out" && !strings.HasPrefix(n, ".") {
					t.Errorf("%s is visible beside the folder", n)
				}
			}
			// The next writer of the folder removes what a killed one left.
			if _, err := NewFolder(dir); err != nil {
				t.Fatal(err)
			}
			if names := entries(t, root); !slices.Equal(names, []string{"out"}) {
				t.Errorf("after the next NewFolder: %v, want only out", names)
			}
		})
	}
}

// TestFolderKilledMidCommitIsRestored leaves the state of a process
// killed between the two renames of a commit without exchange: the old
// folder set aside as .out.old, the new one in its temporary folder.
func TestFolderKilledMidCommitIsRestored(t *testing.T) {
	root, dir, want := oldFolder(t, map[string]string{"a.csv": "old a"})
	f, err := NewFolder(dir, "a.csv")
	if err != nil {
		t.Fatal(err)
	}
	f.Write("a.csv", text("new a"))
	if err := os.Rename(dir, filepath.Join(root, ".out.old")); err != nil {
		t.Fatal(err)
	}
	if _, err := NewFolder(dir); err != nil {
		t.Fatal(err)
	}
	if got := tree(t, dir); !maps.Equal(got, want) {
		t.Errorf("restored folder %v, want %v", got, want)
	}
	if names := entries(t, root); !slices.Equal(names, []string{"out"}) {
		t.Errorf("beside the folder: %v, want only out", names)
	}
}

func TestFolderRefusesFilesItDidNotWrite(t *testing.T) {
	for _, tt := range []struct {
		name  string
		files map[string]string // written into the folder by hand
		ok    bool
		msg   string
	}{
		{"empty folder", nil, true, ""},
		{"someone's notes", map[string]string{"notes.txt": "x"}, false, "holds notes.txt"},
		{"declared names", map[string]string{"a.csv": "x", "sub/x": "y"}, true, ""},
		{"listed by the manifest", map[string]string{"manifest.json": `{"program":"schoolnet","files":["old.csv","manifest.json"]}`, "old.csv": "x"}, true, ""},
		{"another program's manifest", map[string]string{"manifest.json": `{"program":"other","files":["old.csv"]}`, "old.csv": "x"}, false, "holds old.csv"},
		{"a leftover temporary", map[string]string{".a.csv.123.tmp": "x"}, true, ""},
		{"notes in a result subfolder", map[string]string{"sub/manifest.json": `{"program":"schoolnet","files":["y.csv"]}`, "sub/y.csv": "", "sub/notes.txt": ""}, false, "holds notes.txt"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			os.Mkdir(dir, 0o755)
			for n, s := range tt.files {
				os.MkdirAll(filepath.Dir(filepath.Join(dir, n)), 0o755)
				os.WriteFile(filepath.Join(dir, n), []byte(s), 0o644)
			}
			want := tree(t, dir)
			_, err := NewFolder(dir, "a.csv", "sub/", "manifest.json")
			if tt.ok != (err == nil) || err != nil && !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("got %v, want ok %v or an error with %q", err, tt.ok, tt.msg)
			}
			if got := tree(t, dir); !maps.Equal(got, want) {
				t.Errorf("the folder changed: %v, want %v", got, want)
			}
		})
	}
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	if _, err := NewFolder(file); err == nil || !strings.Contains(err.Error(), "is a file") {
		t.Errorf("a file as the folder: %v", err)
	}
}

func TestFolderThroughASymlinkReplacesItsTarget(t *testing.T) {
	root := t.TempDir()
	real, link := filepath.Join(root, "real"), filepath.Join(root, "link")
	writeFolder(t, real, map[string]string{"a.csv": "old"})
	if err := os.Symlink(real, link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	writeFolder(t, link, map[string]string{"a.csv": "new"})
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v", err)
	}
	if got := tree(t, real)["a.csv"]; got != "new" {
		t.Errorf("the link's target holds %q, want new", got)
	}
}

func TestFolderKeepLinksOrCopies(t *testing.T) {
	root := t.TempDir()
	src := filepath.Join(root, "src.csv")
	os.WriteFile(src, []byte("run 1"), 0o644)
	dir := filepath.Join(root, "out")
	f, err := NewFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Keep("runs/p0-r0.csv", src); err != nil {
		t.Fatal(err)
	}
	if err := f.Keep("x", filepath.Join(root, "missing")); err == nil {
		t.Error("kept a file that does not exist")
	}
	f.WriteManifest(&Manifest{Program: "schoolnet"})
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	var m Manifest
	json.Unmarshal([]byte(tree(t, dir)["manifest.json"]), &m)
	h := sha256.Sum256([]byte("run 1"))
	if got := tree(t, dir)["runs/p0-r0.csv"]; got != "run 1" || m.SHA256["runs/p0-r0.csv"] != hex.EncodeToString(h[:]) {
		t.Errorf("kept %q with sum %s", got, m.SHA256["runs/p0-r0.csv"])
	}
}

// TestManifestFieldsDocumented checks that every field of manifest.json
// appears, in backticks, in docs/RESULTS.md.
func TestManifestFieldsDocumented(t *testing.T) {
	doc, err := os.ReadFile("../docs/RESULTS.md")
	if err != nil {
		t.Fatal(err)
	}
	fields := reflect.VisibleFields(reflect.TypeFor[Manifest]())
	for _, f := range fields {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !strings.Contains(string(doc), "`"+name+"`") {
			t.Errorf("docs/RESULTS.md does not document the manifest's %s", name)
		}
	}
	if len(fields) < 20 {
		t.Errorf("only %d fields found", len(fields))
	}
}

// TestFolderRefusesWhatItCannotReplace: a folder that is a mount point, or
// whose path runs through a file, is refused when the folder is started,
// before the command's work, not at its commit.
func TestFolderRefusesWhatItCannotReplace(t *testing.T) {
	root := t.TempDir()
	mnt := filepath.Join(root, "mnt")
	if err := os.Mkdir(mnt, 0o755); err != nil {
		t.Fatal(err)
	}
	saved := mountPoint
	mountPoint = func(dir string) bool { return dir == mnt }
	t.Cleanup(func() { mountPoint = saved })
	_, err := NewFolder(mnt, "a.csv")
	if err == nil || !strings.Contains(err.Error(), "mount point") || !strings.Contains(err.Error(), filepath.Join(mnt, "results")) {
		t.Errorf("a mount point: got %v, want it refused with a folder inside it offered", err)
	}
	if _, err := NewFolder(filepath.Join(mnt, "results"), "a.csv"); err != nil {
		t.Errorf("a folder inside the mount point: %v", err)
	}

	file := filepath.Join(root, "notes.txt")
	if err := os.WriteFile(file, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = NewFolder(filepath.Join(file, "deeper", "out"), "a.csv")
	if err == nil || !strings.Contains(err.Error(), file+" is a file") {
		t.Errorf("a path through a file: got %v, want it refused naming the file", err)
	}
	if names := entries(t, root); !slices.Equal(names, []string{"mnt", "notes.txt"}) {
		t.Errorf("the checks left %v, want only mnt and notes.txt", names)
	}
	// A path whose folders do not exist yet is fine: the commit makes them.
	if _, err := NewFolder(filepath.Join(root, "new", "deeper", "out"), "a.csv"); err != nil {
		t.Errorf("a path to be made: %v", err)
	}
	if names := entries(t, root); !slices.Equal(names, []string{"mnt", "notes.txt"}) {
		t.Errorf("the checks left %v, want nothing made before a file is written", names)
	}
}

// TestMountPointOfProc checks the real test on a system that has one:
// /proc is a mount point on Linux; a fresh temporary folder is not.
func TestMountPointOfProc(t *testing.T) {
	if _, err := os.Stat("/proc/self/mountinfo"); err != nil {
		t.Skip("no /proc/self/mountinfo")
	}
	if !mountPoint("/proc") {
		t.Error("/proc is not taken for a mount point")
	}
	if dir := t.TempDir(); mountPoint(dir) {
		t.Errorf("%s is taken for a mount point", dir)
	}
}

// TestFolderKeptWhenItCannotBePlaced: a commit whose rename fails (as for
// a folder bind-mounted at the path, which only a mount can show) keeps
// the new folder whole beside the path and leaves the old one as it was.
func TestFolderKeptWhenItCannotBePlaced(t *testing.T) {
	root, dir, want := oldFolder(t, map[string]string{"a.csv": "old a"})
	saved := exchange
	exchange = func(a, b string) error { return syscall.EBUSY }
	t.Cleanup(func() { exchange = saved })
	for _, kept := range []string{"out.new", "out.new-2"} {
		f, err := NewFolder(dir, "a.csv", "manifest.json")
		if err != nil {
			t.Fatal(err)
		}
		f.Write("a.csv", text("new a"))
		f.WriteManifest(&Manifest{Program: "schoolnet"})
		err = f.Commit()
		f.Abort()
		if err == nil || !errors.Is(err, syscall.EBUSY) || !strings.Contains(err.Error(), filepath.Join(root, kept)) {
			t.Fatalf("got %v, want the rename's error naming %s", err, kept)
		}
		if got := tree(t, dir); !maps.Equal(got, want) {
			t.Errorf("old folder now %v, want %v", got, want)
		}
		if got := tree(t, filepath.Join(root, kept)); got["a.csv"] != "new a" || got["manifest.json"] == "" {
			t.Errorf("%s holds %v, want the new folder whole", kept, got)
		}
	}
}
