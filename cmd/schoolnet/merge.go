package main

import (
	"fmt"
	"io"

	"schoolnet/results/sweep"
)

const mergeSynopsis = `Usage: schoolnet merge OUT DIR...

Joins the run files of sweep directories DIR... (the shards of one sweep,
written by schoolnet sweep --shard K/N --out DIR) into OUT/runs, and, when
every run of the sweep is there, writes OUT/runs.csv, OUT/points.csv and
the charts, byte-identical to those of the same sweep run in one go.

The DIRs are only read. OUT may be new or one of the DIRs; it is written
all or nothing. Every DIR, and OUT if it has one, must have a manifest.json
of the same sweep (the same scenario hash), and every run file must have
the SHA-256 that its directory's manifest records; otherwise merge refuses
(exit 2) and writes nothing. A run file that was changed, or that its
manifest does not record (its sweep was killed), is named with the repair:
rerun the sweep that wrote that directory into it, then merge again. A run
found in several DIRs must be the same in each. If runs are missing,
merge joins what there is, lists what is missing and exits with status 1:
rerun the shards that hold them (into their own directories, where they
resume) and merge again.`

func cmdMerge(args []string, stdout, stderr io.Writer) int {
	flags := newFlagSet("merge", mergeSynopsis, stdout, stderr)
	pos, err := parseInterspersed(flags, args)
	if err != nil {
		return flagStatus(flags, err, stdout)
	}
	if len(pos) < 2 {
		fmt.Fprintln(stderr, "schoolnet merge: name the output directory and at least one sweep directory: schoolnet merge OUT DIR...")
		return exitUsage
	}
	_, err = sweep.Merge(pos[0], pos[1:], sweep.Options{Stdout: stdout, Stderr: stderr})
	return sweepStatus(stderr, "schoolnet merge", err, nil)
}
