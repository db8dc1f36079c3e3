package scenarios

import "fmt"

// Bounds on a scenario file's shape, checked by [CheckBounds] before any
// TOML decoder sees the file. The decoders' cost grows with the square of
// the nesting depth (a 4 KiB line of nested inline tables cost
// BurntSushi/toml and the policy decoding 365 MB and 0.7 s, 8 KiB 1.5 GB
// and 2 s), so nesting is held far below that. The shipped scenarios nest
// 3 deep, have about a hundred entries and lines under 150 bytes.
const (
	// MaxNesting is the deepest a value may be nested: each table,
	// inline table and array around it counts a level, as does each part
	// of a dotted key or of a [table] header (in [policy.select], rule is
	// 3 deep; x = [[1]] puts the 1 at depth 3).
	MaxNesting = 16
	// MaxEntries is the most keys, table headers and array elements
	// (counted by their commas) a file may hold.
	MaxEntries = 10_000
	// MaxLineBytes is the longest a line may be, in bytes.
	MaxLineBytes = 4096
)

// CheckBounds refuses a scenario file whose nesting, number of entries or
// line length is over [MaxNesting], [MaxEntries] or [MaxLineBytes],
// returning an [*Error] with file and line. It reads data once and
// allocates nothing unless it refuses, and it knows TOML's strings and
// comments: a bracket inside a string or a comment does not count. It
// does not check the syntax: what it lets through, the decoder checks.
//
// The depth it counts is exact for inline tables, arrays, dotted keys and
// [table] headers. A header that reaches through an array of tables
// ([[policy]] then [policy.select]) counts that array once, where the
// decoded value nests one level more, so a file it accepts nests at most
// twice MaxNesting deep.
func CheckBounds(file string, data []byte) error {
	b := bounder{file: file}
	return b.check(data)
}

// The string states of bounder: outside any string, or in one of TOML's
// four kinds.
const (
	strNone = iota
	strBasic
	strLiteral
	strMultiBasic
	strMultiLiteral
)

// bounder is CheckBounds' state: where in the TOML grammar the scan is.
type bounder struct {
	file string
	// open holds the arrays ('[') and inline tables ('{') around the scan
	// point; n of them are open. For an array, depth is its elements'
	// depth; for an inline table, the depth its keys start from.
	open [MaxNesting]struct {
		kind  byte
		depth int
	}
	n int
	// key is true while a key is expected or being read, parts counting
	// its dotted parts; value is the depth of the value being read.
	key   bool
	parts int
	value int
	// fresh is true at the start of a statement, before anything but
	// blanks; header is the depth of the keys under the latest [table].
	fresh  bool
	header int
	// inHeader is true inside [table] or [[table]] (array), hparts
	// counting the parts of its name.
	inHeader, array bool
	hparts          int
	// str is the kind of string the scan is in; entries counts the
	// entries so far; line is the current line, from 1.
	str           int
	entries, line int
}

func (b *bounder) fail(format string, args ...any) error {
	return &Error{File: b.file, Line: b.line, Err: fmt.Errorf(format, args...)}
}

// base is the depth the current key's parts start from.
func (b *bounder) base() int {
	if b.n > 0 {
		return b.open[b.n-1].depth
	}
	return b.header
}

// deep refuses a value at depth beyond MaxNesting.
func (b *bounder) deep(depth int) error {
	if depth > MaxNesting {
		return b.fail("nested more than %d levels deep (each table, inline table and array counts a level, as does each part of a dotted key or table name); flatten it", MaxNesting)
	}
	return nil
}

// entry counts a key, table header or array element.
func (b *bounder) entry() error {
	b.entries++
	if b.entries > MaxEntries {
		return b.fail("more than %d keys, table headers and array elements; a scenario needs far fewer", MaxEntries)
	}
	return nil
}

// push opens an array or inline table at depth.
func (b *bounder) push(kind byte, depth int) error {
	if err := b.deep(depth); err != nil {
		return err
	}
	if b.n == len(b.open) { // only in text that is not TOML
		return b.fail("more than %d arrays and inline tables open at once", len(b.open))
	}
	b.open[b.n].kind, b.open[b.n].depth = kind, depth
	b.n++
	return nil
}

// endHeader closes a [table] or [[table]] header: the keys under it
// start from its depth.
func (b *bounder) endHeader() error {
	depth := b.hparts
	if b.array {
		depth++ // the array, then its table
	}
	if err := b.deep(depth); err != nil {
		return err
	}
	b.inHeader, b.header = false, depth
	return b.entry()
}

// quoteRun returns the number of bytes c at data[i:], at most 6.
func quoteRun(data []byte, i int, c byte) int {
	k := 0
	for i+k < len(data) && data[i+k] == c && k < 6 {
		k++
	}
	return k
}

// quote reads the quote at data[i], in a string it delimits: it ends a
// one-line string, and a run of three or more ends a multi-line one (one
// or two quotes before the closing three are the string's last
// characters). It returns the index of the run's last quote.
func (b *bounder) quote(data []byte, i int) int {
	if b.str == strBasic || b.str == strLiteral {
		b.str = strNone
		return i
	}
	k := quoteRun(data, i, data[i])
	if k >= 3 {
		b.str = strNone
	}
	return i + k - 1
}

func (b *bounder) check(data []byte) error {
	b.line, b.key, b.parts, b.fresh = 1, true, 1, true
	start := 0 // of the line
	for i := 0; i < len(data); i++ {
		c := data[i]
		if c == '\n' {
			if i-start > MaxLineBytes {
				return b.fail("line is %d bytes long, more than the %d allowed; break a long array or string over several lines", i-start, MaxLineBytes)
			}
			b.line++
			start = i + 1
			switch b.str {
			case strBasic, strLiteral:
				b.str = strNone // unterminated: the decoder says so
			case strMultiBasic, strMultiLiteral:
				continue
			}
			b.inHeader = false
			if b.n == 0 { // the statement ends: a key comes next
				b.key, b.parts, b.fresh = true, 1, true
			}
			continue
		}
		switch b.str {
		case strBasic, strMultiBasic:
			if c == '\\' && i+1 < len(data) && data[i+1] != '\n' {
				i++ // an escaped character, such as \"
			} else if c == '"' {
				i = b.quote(data, i)
			}
			continue
		case strLiteral, strMultiLiteral:
			if c == '\'' {
				i = b.quote(data, i)
			}
			continue
		}
		if c == ' ' || c == '\t' || c == '\r' {
			continue
		}
		fresh := b.fresh
		b.fresh = false
		if b.inHeader && c != '"' && c != '\'' && c != '#' {
			switch c {
			case '.':
				b.hparts++
			case ']':
				if b.array && i+1 < len(data) && data[i+1] == ']' {
					i++
				}
				if err := b.endHeader(); err != nil {
					return err
				}
			}
			continue
		}
		switch c {
		case '#':
			for i+1 < len(data) && data[i+1] != '\n' {
				i++
			}
			b.fresh = fresh // a comment leaves the statement as it was
		case '"', '\'':
			switch k := quoteRun(data, i, c); {
			case k >= 3:
				b.str = strMultiBasic
				if c == '\'' {
					b.str = strMultiLiteral
				}
				i += 2
			case k == 2: // an empty string
				i++
			default:
				b.str = strBasic
				if c == '\'' {
					b.str = strLiteral
				}
			}
		case '.':
			if b.key {
				b.parts++
				if err := b.deep(b.base() + b.parts); err != nil {
					return err
				}
			}
		case '=':
			if b.key {
				if err := b.entry(); err != nil {
					return err
				}
				b.key, b.value = false, b.base()+b.parts
				if err := b.deep(b.value); err != nil {
					return err
				}
			}
		case '[':
			if fresh && b.n == 0 {
				b.inHeader, b.array, b.hparts = true, false, 1
				if i+1 < len(data) && data[i+1] == '[' {
					b.array = true
					i++
				}
				continue
			}
			if b.key { // not valid TOML, but bounded all the same
				b.value = b.base() + b.parts
			}
			if err := b.push('[', b.value+1); err != nil {
				return err
			}
			b.key, b.value = false, b.value+1
		case '{':
			if b.key {
				b.value = b.base() + b.parts
			}
			// Its keys are at least one level deeper.
			if err := b.deep(b.value + 1); err != nil {
				return err
			}
			if err := b.push('{', b.value); err != nil {
				return err
			}
			b.key, b.parts = true, 1
		case ']', '}':
			if b.n > 0 {
				b.n--
			}
			b.key = false
			if b.n > 0 && b.open[b.n-1].kind == '[' {
				b.value = b.open[b.n-1].depth
			}
		case ',':
			if b.n == 0 {
				break
			}
			if err := b.entry(); err != nil {
				return err
			}
			if top := b.open[b.n-1]; top.kind == '[' {
				b.key, b.value = false, top.depth
			} else {
				b.key, b.parts = true, 1
			}
		}
	}
	if len(data)-start > MaxLineBytes {
		return b.fail("line is %d bytes long, more than the %d allowed; break a long array or string over several lines", len(data)-start, MaxLineBytes)
	}
	return nil
}
