package fmath

import (
	"bufio"
	"bytes"
	"debug/elf"
	"debug/gosym"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// outputPackages are the packages whose arithmetic reaches schoolnet's
// result files: every function in them, and every function they call by
// name, must be free of fused multiply-adds and of code that sums in a
// machine-dependent order.
var outputPackages = []string{
	"schoolnet/agents",
	"schoolnet/sim", // and sim/policy, sim/fmath
	"schoolnet/results",
	"schoolnet/scenarios",
}

// notOutput matches the functions of those packages whose arithmetic
// reaches no CSV file: the charts (PNG and SVG, drawn by gonum/plot, which
// fuses on arm64 and which no byte-for-byte promise covers) and the HTML
// report (results/report), which quotes the CSV files' numbers, and the
// calibration's charts (results/calibrate).
var notOutput = regexp.MustCompile(`^schoolnet/results(/report\.|/calibrate\.\(\*Chart\)\.|\.(\(\*(Chart|SweepChart|shadeBand)\)\.|Trajectory|writePlot|shade$))`)

// unordered matches the source files of gonum code whose sums run in
// another order on amd64 (SIMD assembly with several accumulators) than
// on other machines, or that reaches such code through the BLAS and
// LAPACK interfaces (mat's arithmetic): the output path must not run it,
// fused or not, inlined or not.
var unordered = regexp.MustCompile(`/gonum\.org/v1/gonum@[^/]+/(floats|internal/asm|blas|lapack|mat)/`)

// matStorage matches the mat functions that only store and fetch numbers
// (the estimators and the sweep's Latin hypercube hold their numbers in a
// mat.Dense), and matStorageFile the files of such functions when they
// are inlined: allowed.
var (
	matStorage     = regexp.MustCompile(`^gonum\.org/v1/gonum/mat\.(NewDense|\(\*Dense\)\.(At|Set|Dims|RawRowView|at|set))$`)
	matStorageFile = regexp.MustCompile(`/mat/(dense|index_bound_checks|index_no_bound_checks)\.go$`)
)

// fusedOp matches arm64's fused multiply-add instructions, double and
// single precision, as go tool objdump prints them.
var fusedOp = regexp.MustCompile(`\s(FMADD|FMSUB|FNMADD|FNMSUB)[DS]\s`)

// TestNoFusedMultiplyAdd cross-compiles schoolnet for arm64, where the Go
// compiler fuses x*y + z into one instruction unless a conversion
// float64(x*y) forbids it, and fails naming each function on the output
// path (the output packages' functions and everything they call by name,
// the runtime aside) that holds a fused instruction, with its source
// lines (inlined code included), except explicit math.FMA calls. It also
// fails where that path runs gonum code that sums in a machine-dependent
// order.
func TestNoFusedMultiplyAdd(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH")
	}
	root := moduleRoot(t, gobin)
	bin := filepath.Join(t.TempDir(), "schoolnet-arm64")
	// With the profile the binary is built with (explicitly, so that a
	// GOFLAGS=-pgo=off cannot drop it): the inlining it causes can fuse
	// a caller's product into the callee's sums.
	build := exec.Command(gobin, "build", "-pgo", filepath.Join(root, "cmd", "schoolnet", "default.pgo"), "-o", bin, "./cmd/schoolnet")
	build.Dir = root
	build.Env = append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build for arm64: %v\n%s", err, out)
	}
	dump, err := exec.Command(gobin, "tool", "objdump", "-s", objdumpSymbols, bin).Output()
	if err != nil {
		t.Fatalf("go tool objdump: %v", err)
	}
	prog := parseObjdump(dump)
	lines := lineTable(t, bin)

	var roots []string
	for name := range prog {
		if isOutputRoot(name) {
			roots = append(roots, name)
		}
	}
	if len(roots) == 0 {
		t.Fatal("no function of the output packages in the disassembly")
	}
	var fused, unord []string
	checked := reachable(prog, roots)
	for _, name := range checked {
		fn := prog[name]
		var at, gonum []string
		for _, pc := range fn.fused {
			file, line, _ := lines.PCToLine(pc)
			pos := fmt.Sprintf("%s:%d", file, line)
			if !slices.Contains(at, pos) && !callsFMA(file, line) {
				at = append(at, pos)
			}
		}
		if !matStorage.MatchString(name) {
			for _, pc := range fn.pcs {
				file, _, _ := lines.PCToLine(pc)
				if unordered.MatchString(file) && !matStorageFile.MatchString(file) && !slices.Contains(gonum, filepath.Base(file)) {
					gonum = append(gonum, filepath.Base(file))
				}
			}
		}
		if len(at) > 0 {
			fused = append(fused, fmt.Sprintf("%s: %s", name, strings.Join(at, ", ")))
		}
		if len(gonum) > 0 {
			unord = append(unord, fmt.Sprintf("%s: gonum's %s", name, strings.Join(gonum, ", ")))
		}
	}
	if len(fused) > 0 {
		t.Errorf("%d functions on the output path hold fused multiply-adds on arm64; "+
			"round the product with float64(x*y), or use package fmath:\n\t%s",
			len(fused), strings.Join(fused, "\n\t"))
	}
	if len(unord) > 0 {
		t.Errorf("%d functions on the output path run gonum code that sums in another order on amd64, "+
			"or fuses on arm64; use package fmath (or a sum in index order):\n\t%s",
			len(unord), strings.Join(unord, "\n\t"))
	}
	t.Logf("%d functions checked, from %d in the output packages", len(checked), len(roots))
}

// objdumpSymbols selects the functions to disassemble: the runtime's are
// left out (its floating point reaches no output), which keeps the test
// fast.
const objdumpSymbols = `^(schoolnet|gonum\.org|golang\.org|github\.com|math|strconv|sort|slices|cmp|fmt|strings|bytes|bufio|io|os|encoding|unicode|errors|reflect|sync|time|path|text|maps|hash|crypto|context|regexp|embed)[./]`

// function is one function of the disassembly: the functions it calls or
// jumps to by name, the address of each instruction, and those of the
// fused ones.
type function struct {
	calls      []string
	pcs, fused []uint64
}

var (
	textLine = regexp.MustCompile(`^TEXT (\S+)\(SB\)`)
	callLine = regexp.MustCompile(`\s(?:CALL|JMP|B)\s+(\S+)\(SB\)`)
	addrLine = regexp.MustCompile(`^\s+\S+\s+0x([0-9a-f]+)\s`)
)

// parseObjdump reads go tool objdump's output into functions by name.
func parseObjdump(dump []byte) map[string]*function {
	prog := map[string]*function{}
	var cur *function
	var curName string
	sc := bufio.NewScanner(bytes.NewReader(dump))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if m := textLine.FindStringSubmatch(line); m != nil {
			curName = m[1]
			cur = &function{}
			prog[curName] = cur
			continue
		}
		m := addrLine.FindStringSubmatch(line)
		if cur == nil || m == nil {
			continue
		}
		pc, err := strconv.ParseUint(m[1], 16, 64)
		if err != nil {
			continue
		}
		cur.pcs = append(cur.pcs, pc)
		if m := callLine.FindStringSubmatch(line); m != nil && m[1] != curName {
			cur.calls = append(cur.calls, m[1])
		}
		if fusedOp.MatchString(line) {
			cur.fused = append(cur.fused, pc)
		}
	}
	return prog
}

// lineTable returns the binary's table from instruction addresses to
// source lines, which names the file of inlined code too.
func lineTable(t *testing.T, bin string) *gosym.Table {
	t.Helper()
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatalf("reading the binary: %v", err)
	}
	defer f.Close()
	pcln, text := f.Section(".gopclntab"), f.Section(".text")
	if pcln == nil || text == nil {
		t.Fatal("the binary has no .gopclntab or .text section")
	}
	data, err := pcln.Data()
	if err != nil {
		t.Fatalf("reading .gopclntab: %v", err)
	}
	tab, err := gosym.NewTable(nil, gosym.NewLineTable(data, text.Addr))
	if err != nil {
		t.Fatalf("decoding .gopclntab: %v", err)
	}
	return tab
}

// isOutputRoot reports whether the function is one of the output
// packages' own, and not a chart's.
func isOutputRoot(name string) bool {
	return slices.ContainsFunc(outputPackages, func(p string) bool {
		return strings.HasPrefix(name, p+".") || strings.HasPrefix(name, p+"/")
	}) && !notOutput.MatchString(name)
}

// reachable returns the functions reached from roots through direct calls
// and jumps, the roots included, in sorted order. Calls into the runtime
// are not followed, nor calls into the charts (notOutput), which an
// output package may make (results/sweep writes a sweep's charts beside
// its CSV files).
func reachable(prog map[string]*function, roots []string) []string {
	seen := map[string]bool{}
	stack := slices.Clone(roots)
	for len(stack) > 0 {
		name := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[name] || strings.HasPrefix(name, "runtime.") || notOutput.MatchString(name) {
			continue
		}
		fn, ok := prog[name]
		if !ok {
			continue // not disassembled: runtime or assembly glue
		}
		seen[name] = true
		stack = append(stack, fn.calls...)
	}
	out := make([]string, 0, len(seen))
	for name := range seen {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// callsFMA reports whether the source line calls math.FMA: an explicit
// fused multiply-add is the same on every machine (schoolnet has none
// today).
func callsFMA(file string, line int) bool {
	src, err := os.ReadFile(file)
	if err != nil {
		return false
	}
	lines := strings.Split(string(src), "\n")
	return line >= 1 && line <= len(lines) && strings.Contains(lines[line-1], "math.FMA(")
}

// moduleRoot returns the directory of schoolnet's go.mod.
func moduleRoot(t *testing.T, gobin string) string {
	t.Helper()
	out, err := exec.Command(gobin, "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		t.Skip("not inside the schoolnet module")
	}
	return filepath.Dir(mod)
}
