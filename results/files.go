package results

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// WriteFile writes one file through write, first to a temporary file
// .NAME.<digits>.tmp in the same directory, synced to disk, then renames
// it to path and syncs the directory, so that readers see either the old
// file or the whole new one, never a part, also after a crash. On error
// the temporary file is removed. A folder of files that belong together
// is written with a [Folder].
func WriteFile(path string, write func(w io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("results: %w", err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("results: %w", err)
	}
	if err := f.Chmod(0o644); err != nil { // CreateTemp makes it 0600
		f.Close()
		os.Remove(f.Name())
		return fmt.Errorf("results: %w", err)
	}
	if err := writeSynced(f, f, write); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("results: %w", err)
	}
	return syncDir(dir)
}

// CheckFile checks, before any work, that WriteFile can write path, a
// file of the kind named (such as "report"): that path is not a folder,
// that its folder can be written in, and that a file already there is
// schoolnet's own of that kind, which ours tells from the file's first
// 4 KiB. Only such a file may be replaced, so that a mistaken path, such
// as a scenario's name given where the report's was meant, cannot
// overwrite someone's file.
func CheckFile(path, kind string, ours func(head []byte) bool) error {
	fi, err := os.Stat(path)
	switch {
	case err == nil && fi.IsDir():
		return fmt.Errorf("%s is a folder: give the name of the %s file to write", path, kind)
	case err == nil:
		head, err := readHead(path, 4096)
		if err != nil {
			return fmt.Errorf("results: %w", err)
		}
		if !ours(head) {
			return fmt.Errorf("%s exists and is not a %s that schoolnet wrote, so it is not replaced: choose another file name, or move the file away", path, kind)
		}
	case !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR):
		return fmt.Errorf("results: %w", err)
	}
	return writable(path, path)
}

// readHead returns up to n bytes from the start of the file at path.
func readHead(path string, n int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	head, err := io.ReadAll(io.LimitReader(f, int64(n)))
	return head, err
}
