package results

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"syscall"
)

// Folder is a result folder being written. Its files go into a fresh
// temporary folder beside it, .NAME.<digits>.tmp on the same file system,
// each synced to disk as it is closed; [Folder.Commit] then puts the
// whole folder in place at once, replacing the folder already there. A
// reader sees the old folder or the new one, never a mix, and a failure
// or an interruption before the commit leaves the old folder as it was.
//
// A folder is replaced whole: an old folder's files that the new one does
// not write are gone after the commit. So that a mistaken path cannot
// remove someone's files, [NewFolder] refuses a folder holding anything
// other than the names the new folder declares, what the old folder's
// manifest.json lists, and schoolnet's own temporaries.
//
// A process killed before Commit (kill -9, a lost node) leaves its
// temporary folder, which readers ignore (its name starts with a dot) and
// the next NewFolder for the same path removes. Two commands must not
// write the same folder at once.
type Folder struct {
	st     *staging
	prefix string // "" for the folder itself, "NAME/" for a subfolder
}

// staging is the state a Folder and its subfolders share.
type staging struct {
	dir      string // the folder's absolute path
	shown    string // its path as given, for messages
	declared []string
	tmp      string   // the temporary folder; "" until the first file
	written  []string // paths relative to tmp, in order; a folder ends in "/"
	sums     map[string]string
	tables   []table // for datapackage.json
	done     bool
}

// NewFolder starts a result folder at dir that holds the top-level names
// (files, or subfolders written "NAME/"). It removes what an earlier
// killed writer of dir left and checks, before any work, that dir, if it
// exists, may be replaced (it holds only schoolnet's files and is not a
// mount point) and that a folder can be written beside it; it creates
// nothing until the first file is written. A symbolic
// link at dir is followed: the folder it points to is replaced.
func NewFolder(dir string, names ...string) (*Folder, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	if fi, err := os.Lstat(abs); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		if abs, err = filepath.EvalSymlinks(abs); err != nil {
			return nil, fmt.Errorf("results: %w", err)
		}
	}
	if filepath.Dir(abs) == abs {
		return nil, fmt.Errorf("results: %s cannot be a result folder", dir)
	}
	for _, n := range names {
		if n := strings.TrimSuffix(n, "/"); !filepath.IsLocal(n) || strings.ContainsAny(n, `/\`) {
			return nil, fmt.Errorf("results: %q cannot be a name in a result folder", n)
		}
	}
	if err := placeable(abs, dir); err != nil {
		return nil, err
	}
	if err := tidy(abs); err != nil {
		return nil, err
	}
	st := &staging{dir: abs, shown: dir, declared: names, sums: map[string]string{}}
	if err := st.replaceable(); err != nil {
		return nil, err
	}
	return &Folder{st: st}, nil
}

// placeable checks, before any work, that a commit can put a folder at
// dir (shown in messages as shown): that dir is not a mount point, which
// no rename can replace, and that a folder can be made beside it.
func placeable(dir, shown string) error {
	if fi, err := os.Stat(dir); err == nil && fi.IsDir() && mountPoint(dir) {
		return fmt.Errorf("results: %s is a mount point, which a result folder cannot replace (it is put in place whole, by a rename): use a folder inside it, such as %s",
			shown, filepath.Join(shown, "results"))
	}
	return writable(dir, shown)
}

// writable checks, before any work, that a file or folder can be made at
// path (shown in messages as shown): it makes and removes a temporary
// folder in path's folder or, where that does not exist yet, in the
// nearest folder above it, in which the missing folders would be made.
func writable(path, shown string) error {
	dir := filepath.Dir(path)
	for {
		fi, err := os.Stat(dir)
		if err == nil {
			if !fi.IsDir() {
				return fmt.Errorf("results: %s is a file, not a folder, so %s cannot be written in it; choose another path", dir, shown)
			}
			break
		}
		up := filepath.Dir(dir)
		if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) || up == dir {
			return fmt.Errorf("results: %w", err)
		}
		dir = up
	}
	probe, err := os.MkdirTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("results: %s cannot be written: making a folder in %s: %v; choose a path you can write to", shown, dir, err)
	}
	if err := os.Remove(probe); err != nil {
		return fmt.Errorf("results: %w", err)
	}
	return nil
}

// Sub returns the subfolder name, written with the folder and committed
// with it; its manifest lists only its own files.
func (f *Folder) Sub(name string) *Folder {
	return &Folder{st: f.st, prefix: f.prefix + checkName(name) + "/"}
}

// checkName panics unless name is a slash-separated path inside a folder.
func checkName(name string) string {
	if !filepath.IsLocal(name) || strings.Contains(name, `\`) || path.Clean(name) != name {
		panic(fmt.Sprintf("results: %q is not a name inside a folder", name))
	}
	return name
}

// Write writes the file name (a slash-separated path inside the folder)
// through write and syncs it to disk.
func (f *Folder) Write(name string, write func(w io.Writer) error) error {
	p, err := f.create(name)
	if err != nil {
		return err
	}
	file, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("results: %w", err)
	}
	h := sha256.New()
	if err := writeSynced(file, io.MultiWriter(file, h), write); err != nil {
		return err
	}
	f.st.add(f.prefix+name, h)
	return nil
}

// Keep puts the existing file from into the folder as name, as a hard
// link where the file system allows and otherwise as a copy. from must
// not change afterwards: a file that schoolnet writes is replaced, never
// changed in place.
func (f *Folder) Keep(name, from string) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return fmt.Errorf("results: %w", err)
	}
	p, err := f.create(name)
	if err != nil {
		return err
	}
	if os.Link(from, p) != nil {
		file, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return fmt.Errorf("results: %w", err)
		}
		if err := writeSynced(file, file, func(w io.Writer) error { _, err := w.Write(data); return err }); err != nil {
			return err
		}
	}
	h := sha256.New()
	h.Write(data)
	f.st.add(f.prefix+name, h)
	return nil
}

// Mkdir makes the subfolder name, empty until files are written in it.
func (f *Folder) Mkdir(name string) error {
	p, err := f.create(name)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(p, 0o755); err != nil {
		return fmt.Errorf("results: %w", err)
	}
	f.st.written = append(f.st.written, f.prefix+name+"/")
	return nil
}

// create makes the temporary folder and name's folders in it and returns
// name's path there.
func (f *Folder) create(name string) (string, error) {
	rel := f.prefix + checkName(name)
	if err := f.st.start(); err != nil {
		return "", err
	}
	p := filepath.Join(f.st.tmp, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return "", fmt.Errorf("results: %w", err)
	}
	return p, nil
}

// start makes the temporary folder beside the folder, once.
func (st *staging) start() error {
	if st.done {
		panic("results: write to a committed or aborted folder")
	}
	if st.tmp != "" {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(st.dir), 0o755); err != nil {
		return fmt.Errorf("results: %w", err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(st.dir), "."+filepath.Base(st.dir)+".*.tmp")
	if err != nil {
		return fmt.Errorf("results: %w", err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil { // MkdirTemp makes it 0700
		os.Remove(tmp)
		return fmt.Errorf("results: %w", err)
	}
	st.tmp = tmp
	return nil
}

func (st *staging) add(rel string, h hash.Hash) {
	st.written = append(st.written, rel)
	st.sums[rel] = hex.EncodeToString(h.Sum(nil))
}

// WriteManifest sets m.Files to the entries written in the folder so far
// (a subfolder as "NAME/") and manifest.json, and m.SHA256 to the SHA-256
// of every file under the folder but the manifest itself, and writes m
// as the folder's manifest.json. Write it last.
func (f *Folder) WriteManifest(m *Manifest) error {
	m.Files, m.SHA256 = nil, map[string]string{}
	for _, rel := range f.st.written {
		name, ok := strings.CutPrefix(rel, f.prefix)
		if !ok || name == "manifest.json" {
			continue
		}
		entry := name
		if top, _, sub := strings.Cut(name, "/"); sub {
			entry = top + "/"
		}
		if !slices.Contains(m.Files, entry) {
			m.Files = append(m.Files, entry)
		}
		if sum, ok := f.st.sums[rel]; ok {
			m.SHA256[name] = sum
		}
	}
	m.Files = append(m.Files, "manifest.json")
	return f.Write("manifest.json", m.Write)
}

// Commit puts the folder in place, replacing the folder there. Where the
// file system can exchange two folders in one step (Linux: ext4, xfs,
// btrfs, tmpfs), a reader sees the old folder until the new one; elsewhere
// (NFS, other systems) the old folder is first renamed to .NAME.old, so
// that for a moment there is no folder at the path; a process killed at
// that moment leaves .NAME.old, which the next NewFolder for the path
// renames back. If the new folder cannot be put in place (a folder bind-
// mounted at the path, a folder that meanwhile took files schoolnet did
// not write), Commit keeps it beside the path as NAME.new and says so in
// its error, so that a long run's results are not lost. Commit on a
// subfolder panics.
func (f *Folder) Commit() error {
	st := f.st
	if f.prefix != "" {
		panic("results: commit of a subfolder")
	}
	if err := st.start(); err != nil { // nothing written: an empty folder
		return err
	}
	if err := syncTree(st.tmp); err != nil {
		return err
	}
	parent := filepath.Dir(st.dir)
	if err := st.place(); err != nil {
		return st.keep(err)
	}
	st.done = true
	if err := syncDir(parent); err != nil {
		return err
	}
	if st.tmp != "" {
		if err := os.RemoveAll(st.tmp); err != nil {
			return fmt.Errorf("results: %w", err)
		}
		st.tmp = ""
	}
	return nil
}

// place puts the temporary folder at st.dir, by a rename where there is
// no folder there, and otherwise by exchanging the two, or renaming them
// one after the other (see Commit). st.tmp then holds the old folder, if
// any, or is "".
func (st *staging) place() error {
	switch _, err := os.Lstat(st.dir); {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.Rename(st.tmp, st.dir); err != nil {
			return err
		}
		st.tmp = ""
		return nil
	case err != nil:
		return err
	}
	if err := st.replaceable(); err != nil {
		return err
	}
	if err := exchange(st.tmp, st.dir); err == nil {
		return nil // st.tmp now holds the old folder, removed by Commit
	} else if !errors.Is(err, errors.ErrUnsupported) {
		return err
	}
	old := oldName(st.dir)
	if err := os.RemoveAll(old); err != nil {
		return err
	}
	if err := os.Rename(st.dir, old); err != nil {
		return err
	}
	if err := os.Rename(st.tmp, st.dir); err != nil {
		if e := os.Rename(old, st.dir); e != nil {
			return fmt.Errorf("%w; the old folder is at %s, which the next command writing %s puts back", err, old, st.shown)
		}
		return err
	}
	st.tmp = old
	return nil
}

// keep, after a commit that could not put the new folder in place, makes
// its temporary folder a visible folder beside the path, NAME.new (or
// NAME.new-2, …), so that what a long run wrote is not lost, and returns
// an error that says where it is. The folder at the path stays as it was.
func (st *staging) keep(err error) error {
	kept := st.dir + ".new"
	for n := 2; ; n++ {
		if _, e := os.Lstat(kept); errors.Is(e, fs.ErrNotExist) {
			break
		}
		kept = fmt.Sprintf("%s.new-%d", st.dir, n)
	}
	where := fmt.Sprintf("they are kept whole in %s: move them where you want them", kept)
	if os.Rename(st.tmp, kept) != nil {
		where = fmt.Sprintf("they are kept whole in %s, which the next run into %s removes: move them away first", st.tmp, st.shown)
	} else {
		syncDir(filepath.Dir(st.dir)) // best effort: the error says where they are
	}
	st.tmp, st.done = "", true
	return fmt.Errorf("results: could not put the results in place at %s (%w); %s", st.shown, err, where)
}

// Abort removes what the folder wrote, unless it was committed; the
// folder at its path stays as it was. Call it deferred after NewFolder.
func (f *Folder) Abort() {
	if st := f.st; st.tmp != "" && !st.done {
		os.RemoveAll(st.tmp)
		st.tmp = ""
		st.done = true
	}
}

// writeSynced writes through write into w (which writes to file),
// buffered, then syncs and closes file; on error it removes file.
func writeSynced(file *os.File, w io.Writer, write func(io.Writer) error) (err error) {
	defer func() {
		if err != nil {
			file.Close()
			os.Remove(file.Name())
		}
	}()
	bw := bufio.NewWriterSize(w, 1<<16)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("results: %w", err)
	}
	if err := file.Sync(); err != nil {
		return fmt.Errorf("results: %w", err)
	}
	if err := file.Close(); err != nil {
		return fmt.Errorf("results: %w", err)
	}
	return nil
}

// syncDir syncs a folder's entries to disk, where the system can. Windows
// cannot flush a folder (FlushFileBuffers on its handle is refused); its
// renames are written through by the file system.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("results: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, errors.ErrUnsupported) && !errors.Is(err, syscall.EINVAL) {
		return fmt.Errorf("results: %w", err)
	}
	return nil
}

// syncTree syncs dir and every folder under it.
func syncTree(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("results: %w", err)
		}
		if d.IsDir() {
			return syncDir(p)
		}
		return nil
	})
}

// tempName matches the temporary files and folders of WriteFile and
// Folder: .NAME.<digits>.tmp.
var tempName = regexp.MustCompile(`^\..+\.[0-9]+\.tmp$`)

// isTemp reports whether a file or folder name is one of schoolnet's
// temporaries.
func isTemp(name string) bool { return tempName.MatchString(name) }

func oldName(dir string) string {
	return filepath.Join(filepath.Dir(dir), "."+filepath.Base(dir)+".old")
}

// tidy cleans up after a writer of dir that was killed: it puts back an
// old folder set aside by a commit that did not finish, and removes the
// temporary folders beside dir.
func tidy(dir string) error {
	parent, base := filepath.Dir(dir), filepath.Base(dir)
	old := oldName(dir)
	if _, err := os.Lstat(old); err == nil {
		if _, err := os.Lstat(dir); errors.Is(err, fs.ErrNotExist) {
			err = os.Rename(old, dir)
		} else {
			err = os.RemoveAll(old)
		}
		if err != nil {
			return fmt.Errorf("results: cleaning up after an interrupted write of %s: %w", dir, err)
		}
	}
	entries, err := os.ReadDir(parent)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return fmt.Errorf("results: %w", err)
	}
	mine := regexp.MustCompile(`^\.` + regexp.QuoteMeta(base) + `\.[0-9]+\.tmp$`)
	for _, e := range entries {
		if mine.MatchString(e.Name()) {
			if err := os.RemoveAll(filepath.Join(parent, e.Name())); err != nil {
				return fmt.Errorf("results: cleaning up after an interrupted write of %s: %w", dir, err)
			}
		}
	}
	return nil
}

// replaceable checks that the folder at st.dir, if any, holds only what
// a commit may replace: the names declared and written, what its
// manifest.json lists, and temporaries.
func (st *staging) replaceable() error {
	allowed := slices.Clone(st.declared)
	for _, rel := range st.written {
		top, _, _ := strings.Cut(rel, "/")
		allowed = append(allowed, top)
	}
	return replaceable(st.dir, st.shown, allowed)
}

// replaceable checks the folder dir (shown in messages as shown) against
// the names allowed ("NAME/" or "NAME"), and recursively each subfolder
// that has a manifest.json.
func replaceable(dir, shown string, allowed []string) error {
	fi, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return fmt.Errorf("results: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("results: %s is a file, not a folder; choose another output folder", shown)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("results: %w", err)
	}
	ok := map[string]bool{}
	for _, n := range allowed {
		ok[strings.TrimSuffix(n, "/")] = true
	}
	if data, err := os.ReadFile(filepath.Join(dir, "manifest.json")); err == nil {
		var m struct {
			Program string
			Files   []string
		}
		if json.Unmarshal(data, &m) == nil && m.Program == "schoolnet" {
			ok["manifest.json"] = true
			for _, n := range m.Files {
				ok[strings.TrimSuffix(n, "/")] = true
			}
		}
	}
	for _, e := range entries {
		n := e.Name()
		switch {
		case isTemp(n):
		case !ok[n]:
			return fmt.Errorf("results: %s holds %s, which schoolnet did not write there (no manifest.json there lists it); move it away or choose another output folder: a result folder is replaced whole", shown, n)
		case e.IsDir():
			if _, err := os.Stat(filepath.Join(dir, n, "manifest.json")); err == nil {
				if err := replaceable(filepath.Join(dir, n), filepath.Join(shown, n), nil); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
