package results

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
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
