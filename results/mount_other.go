//go:build !unix

package results

// mountPoint reports whether the folder dir is a mount point; outside
// Unix it is not asked, and a commit that cannot replace one keeps the
// new folder beside it (see staging.keep).
var mountPoint = func(dir string) bool { return false }
