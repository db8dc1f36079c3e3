package report

import (
	"bytes"
	"fmt"
	"html/template"
	"image/color"
	"math"
	"regexp"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"schoolnet/results"
)

// Figure is a chart of the report: inline SVG drawn by gonum/plot.
type Figure struct {
	ID, Title, Caption string
	SVG                template.HTML
}

// figures draws the report's charts from the folder's yearly.csv files
// (and compare.csv for the effects).
func (f *Folder) figures() ([]Figure, error) {
	var out []Figure
	shade := spans(f.Scenarios)
	var sh []results.Span
	for _, s := range shade {
		sh = append(sh, results.Span{From: s[0], To: s[1]})
	}
	band := "The lines are means over the replications and the bands their 95% intervals: the range the mean would fall in if the simulation were repeated with other random draws (which students enrol, which teachers leave, who volunteers). They say nothing of whether the model's assumptions fit a real district (see the caveats)."
	shaded := ""
	if len(sh) > 0 {
		shaded = " Shaded: the years the reforms act (year y runs from y−1 to y; year 0 is the baseline before any reform)."
	}
	names := make([]string, len(f.Scenarios))
	for k, sc := range f.Scenarios {
		names[k] = sc.Name
	}
	add := func(id, title, caption string, p *plot.Plot) error {
		svg, err := inlineSVG(p, id, title)
		if err != nil {
			return err
		}
		out = append(out, Figure{ID: id, Title: title, Caption: caption, SVG: svg})
		return nil
	}
	lines := func(title, ylabel string, names []string, series [][]results.Point) (*plot.Plot, error) {
		c := results.Chart{Title: title, YLabel: ylabel, Names: names, Series: series, Shade: sh, ShadeLabel: "reform years"}
		return c.Plot()
	}

	// Weak schools' achievement (by tier for a single run).
	var series [][]results.Point
	title := "Weak schools' achievement by year"
	lineNames := names
	if len(f.Scenarios) == 1 {
		title = "Achievement by tier of school"
		lineNames = []string{"strong schools", "average schools", "weak schools"}
		for _, g := range []string{"strong", "average", "weak"} {
			series = append(series, f.Scenarios[0].series(g, "composite", f.Years, nil))
		}
	} else {
		for _, sc := range f.Scenarios {
			series = append(series, sc.series("weak", "composite", f.Years, nil))
		}
	}
	p, err := lines(title, "composite, SD of the baseline grade", lineNames, series)
	if err == nil {
		err = add("chart-weak", title, "Mean achievement (maths, Chinese, English, science) in SD of all students of the same grade at the baseline. "+band+shaded, p)
	}
	if err != nil {
		return nil, err
	}

	if len(f.Scenarios) > 1 {
		ref := f.Scenarios[0]
		series = nil
		for _, sc := range f.Scenarios[1:] {
			series = append(series, sc.series("weak", "composite", f.Years, ref))
		}
		title = "Effect on weak schools: difference from " + ref.Name
		p, err := lines(title, "difference in composite, SD", names[1:], series)
		if err == nil {
			err = add("chart-effect", title, "Each reform's weak schools minus "+ref.Name+"'s, replication by replication (common random numbers: replication r of every scenario has the same schools, students and chance events until a reform acts). "+band+shaded, p)
		}
		if err != nil {
			return nil, err
		}
		p, err = f.effectsPlot()
		if err == nil && p != nil {
			err = add("chart-effects", fmt.Sprintf("Effects in year %d with 95%% intervals", f.Year),
				fmt.Sprintf("The difference from %s in weak schools' composite in year %d (the table's diff column), with its 95%% interval. An interval that crosses zero means the reform's effect cannot be told from none with these replications.", ref.Name, f.Year), p)
		}
		if err != nil {
			return nil, err
		}
	}

	for _, g := range []struct{ id, col, title, what string }{
		{"chart-gap-tier", "gap_strong_weak", "Gap between strong and weak schools", "Strong minus weak schools' composite: smaller is more equal."},
		{"chart-gap-migrant", "gap_migrant_local", "Gap between migrant and local students", "Migrant minus local students' composite (negative: migrant children behind): closer to zero is more equal."},
	} {
		if !f.Scenarios[0].Yearly.Has(g.col) {
			continue
		}
		series = nil
		for _, sc := range f.Scenarios {
			series = append(series, sc.series("all", g.col, f.Years, nil))
		}
		p, err := lines(g.title, "SD", names, series)
		if err == nil {
			err = add(g.id, g.title, g.what+" "+band+shaded, p)
		}
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// effectsPlot draws each reform's effect on weak schools at the compared
// year with its interval, from compare.csv; nil if no reform has one
// (none has weak schools).
func (f *Folder) effectsPlot() (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("Effect on weak schools in year %d", f.Year)
	p.Y.Label.Text = "difference in composite from " + f.Scenarios[0].Name + ", SD"
	p.Add(plotter.NewGrid())
	var names []string
	for k, sc := range f.Scenarios[1:] {
		e, ok := f.effect(sc.Name, "weak_composite")
		if !ok || math.IsNaN(e.Diff) { // none, or undefined (no weak school)
			continue
		}
		names = append(names, sc.Name)
		x := float64(len(names) - 1)
		col := plotutil.Color(k)
		if e.Lo == e.Lo && e.Hi == e.Hi { // an interval (not NaN)
			l, err := plotter.NewLine(plotter.XYs{{X: x, Y: e.Lo}, {X: x, Y: e.Hi}})
			if err != nil {
				return nil, err
			}
			l.Color, l.Width = col, vg.Points(3)
			p.Add(l)
		}
		s, err := plotter.NewScatter(plotter.XYs{{X: x, Y: e.Diff}})
		if err != nil {
			return nil, err
		}
		s.Color, s.Shape, s.Radius = col, draw.CircleGlyph{}, vg.Points(5)
		p.Add(s)
	}
	if len(names) == 0 { // no reform has an effect on weak schools to show
		return nil, nil
	}
	zero := plotter.NewFunction(func(float64) float64 { return 0 })
	zero.Color, zero.Dashes = color.Gray{Y: 90}, []vg.Length{vg.Points(4), vg.Points(3)}
	p.Add(zero)
	p.NominalX(names...)
	p.X.Min, p.X.Max = -0.5, float64(len(names))-0.5
	return p, nil
}

var (
	svgProlog = regexp.MustCompile(`(?s)^.*?<svg\b`)
	svgSize   = regexp.MustCompile(`\s(width|height)="[^"]*"`)
)

// inlineSVG renders a plot as an <svg> element to put in the page: no XML
// prolog, scaled by CSS to the page's width (its viewBox keeps the
// proportions), labelled for screen readers.
func inlineSVG(p *plot.Plot, id, title string) (template.HTML, error) {
	wt, err := p.WriterTo(8*vg.Inch, 5*vg.Inch, "svg")
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return "", err
	}
	s := svgProlog.ReplaceAllString(buf.String(), "<svg")
	end := strings.IndexByte(s, '>')
	if end < 0 {
		return "", fmt.Errorf("report: gonum/plot wrote no <svg> element")
	}
	tag := svgSize.ReplaceAllString(s[:end], "")
	tag += fmt.Sprintf(` id="%s" class="chart" role="img" aria-label="%s"`, template.HTMLEscapeString(id), template.HTMLEscapeString(title))
	// The SVG is gonum/plot's, drawn from the folder's numbers; its text
	// (titles, scenario names) is escaped by the SVG writer.
	return template.HTML(tag + s[end:]), nil
}
