package report

import (
	"bytes"
	"html/template"
	"regexp"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"schoolnet/docs"
)

// Caveats is the model's own account of what it can and cannot say,
// quoted from docs/MODEL.md as compiled into the program.
type Caveats struct {
	// Heading is the section's heading, Note says where it comes from.
	Heading, Note string
	Body          template.HTML
}

// caveatSections are the sections of docs/MODEL.md the report quotes, by
// heading, the first found: the one written for claims like the report's,
// else the list of the version's limits.
var caveatSections = []string{"what the model can and cannot say", "limits of the current version"}

// docLink matches a markdown link to a doc beside MODEL.md, such as
// [VALIDATION.md](VALIDATION.md) or [its list](VALIDATION.md#test-only).
var docLink = regexp.MustCompile(`\[([^\]]+)\]\(([A-Za-z0-9_.-]+\.md)(#[^)]*)?\)`)

// caveats returns the section of docs/MODEL.md for the report.
func caveats() (Caveats, error) {
	for k, want := range caveatSections {
		heading, body, ok := section(docs.Model, want)
		if !ok {
			continue
		}
		// A link to another doc would lead nowhere from a report mailed on
		// its own: it becomes its text and the doc's name.
		body = docLink.ReplaceAllString(body, "$1 (docs/$2)")
		var buf bytes.Buffer
		md := goldmark.New(goldmark.WithExtensions(extension.Table))
		if err := md.Convert([]byte(body), &buf); err != nil {
			return Caveats{}, err
		}
		c := Caveats{Heading: heading, Note: "From docs/MODEL.md, section \u201c" + heading + "\u201d, as built into this program."}
		if k > 0 {
			c.Note = "docs/MODEL.md has no section \u201cWhat the model can and cannot say\u201d yet; this is its section \u201c" + heading + "\u201d, as built into this program."
		}
		// goldmark escapes raw HTML in the markdown (its default), and the
		// text is docs/MODEL.md, compiled in.
		c.Body = template.HTML(buf.String())
		return c, nil
	}
	return Caveats{Heading: "Caveats", Note: "docs/MODEL.md has no section on what the model can and cannot say."}, nil
}

// section returns the text under the first markdown heading whose title
// contains want (case-insensitive), up to the next heading of the same or
// a higher level, and the heading's title without its number.
func section(doc, want string) (heading, body string, ok bool) {
	lines := strings.Split(doc, "\n")
	level := 0
	var out []string
	fence := false
	for _, line := range lines {
		if strings.HasPrefix(line, "```") {
			fence = !fence
		}
		n := 0
		if !fence {
			n = len(line) - len(strings.TrimLeft(line, "#"))
		}
		isHeading := n > 0 && n < len(line) && line[n] == ' '
		switch {
		case level == 0 && isHeading && strings.Contains(strings.ToLower(line), want):
			level = n
			heading = strings.TrimSpace(line[n:])
			// "8 What the model can and cannot say" → without the number.
			if f := strings.Fields(heading); len(f) > 1 && strings.Trim(f[0], "0123456789.") == "" {
				heading = strings.Join(f[1:], " ")
			}
		case level > 0 && isHeading && n <= level:
			return heading, strings.Join(out, "\n"), true
		case level > 0:
			out = append(out, line)
		}
	}
	return heading, strings.Join(out, "\n"), level > 0
}
