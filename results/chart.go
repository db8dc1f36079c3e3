package results

import (
	"image/color"
	"io"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"schoolnet/sim"
)

// Point is one year of a series: the mean over replications and its 95%
// interval.
type Point struct {
	Year         int
	Mean, Lo, Hi float64
}

// Trajectory returns, for each year, the mean over replications of
// get(year's metrics) and its 95% interval. Replications in which the
// value is undefined (NaN: the mean of a group without students) are
// left out; a year without any has a NaN mean.
func Trajectory(reps [][]sim.YearMetrics, get func(*sim.YearMetrics) float64) []Point {
	out := make([]Point, len(reps[0]))
	xs := make([]float64, len(reps))
	for k := range out {
		for r := range reps {
			xs[r] = get(&reps[r][k])
		}
		m, h := MeanCI(xs)
		if math.IsNaN(h) {
			h = 0
		}
		out[k] = Point{reps[0][k].Year, m, m - h, m + h}
	}
	return out
}

// Chart is a line chart of yearly series, one per scenario, each with its
// 95% interval as a shaded band.
type Chart struct {
	Title, YLabel string
	Names         []string
	Series        [][]Point
	// Shade, if not empty, shades spans of the year axis behind the
	// series (the years policies act), named in the legend by ShadeLabel.
	Shade      []Span
	ShadeLabel string
}

// Span is a stretch of the year axis, From to To.
type Span struct{ From, To float64 }

// Plot builds the chart.
func (c *Chart) Plot() (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = c.Title
	p.X.Label.Text = "year (0 = baseline; policies act from year 1)"
	p.Y.Label.Text = c.YLabel
	p.Legend.Top = true
	p.Legend.Left = true
	p.Add(plotter.NewGrid())
	p.X.Tick.Marker = plot.TickerFunc(func(min, max float64) []plot.Tick {
		var ticks []plot.Tick
		for y := math.Ceil(min); y <= max; y++ {
			ticks = append(ticks, plot.Tick{Value: y, Label: strconv.Itoa(int(y))})
		}
		return ticks
	})
	if err := shade(p, c.Shade, c.ShadeLabel); err != nil {
		return nil, err
	}
	for k, series := range c.Series {
		// Years whose mean is undefined are left out, and a series
		// without any year from the chart.
		series = slices.DeleteFunc(slices.Clone(series), func(pt Point) bool { return math.IsNaN(pt.Mean) })
		if len(series) == 0 {
			continue
		}
		col := plotutil.Color(k)
		band := make(plotter.XYs, 0, 2*len(series))
		line := make(plotter.XYs, len(series))
		for i, pt := range series {
			band = append(band, plotter.XY{X: float64(pt.Year), Y: pt.Lo})
			line[i] = plotter.XY{X: float64(pt.Year), Y: pt.Mean}
		}
		for i := len(series) - 1; i >= 0; i-- {
			band = append(band, plotter.XY{X: float64(series[i].Year), Y: series[i].Hi})
		}
		poly, err := plotter.NewPolygon(band)
		if err != nil {
			return nil, err
		}
		r, g, b, _ := col.RGBA()
		poly.Color = color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 50}
		poly.LineStyle.Width = 0
		l, err := plotter.NewLine(line)
		if err != nil {
			return nil, err
		}
		l.Color = col
		l.Width = vg.Points(2)
		l.Dashes = plotutil.Dashes(k)
		pts, err := plotter.NewScatter(line)
		if err != nil {
			return nil, err
		}
		pts.Color, pts.Shape, pts.Radius = col, draw.CircleGlyph{}, vg.Points(2.5)
		p.Add(poly, l, pts)
		p.Legend.Add(c.Names[k], l, pts)
	}
	return p, nil
}

// shade adds a light band over the whole height of the plot for each
// span, with one legend entry: added first, it lies behind the series.
func shade(p *plot.Plot, spans []Span, label string) error {
	if len(spans) == 0 {
		return nil
	}
	// The band's height follows the data: each band spans the y range the
	// series set, read when the plot is drawn.
	for _, s := range spans {
		b := &shadeBand{span: s}
		p.Add(b)
		if label != "" {
			p.Legend.Add(label, b)
			label = ""
		}
	}
	return nil
}

// shadeBand draws one span over the plot's whole height.
type shadeBand struct{ span Span }

var shadeColour = color.NRGBA{R: 120, G: 160, B: 220, A: 55}

// Plot fills the span between the y axis's ends.
func (b *shadeBand) Plot(c draw.Canvas, p *plot.Plot) {
	x0, x1 := c.X(p.X.Norm(b.span.From)), c.X(p.X.Norm(b.span.To))
	var path vg.Path
	path.Move(vg.Point{X: x0, Y: c.Min.Y})
	path.Line(vg.Point{X: x1, Y: c.Min.Y})
	path.Line(vg.Point{X: x1, Y: c.Max.Y})
	path.Line(vg.Point{X: x0, Y: c.Max.Y})
	path.Close()
	c.SetColor(shadeColour)
	c.Fill(path)
}

// DataRange makes the x axis cover the span and leaves the y axis to the
// series.
func (b *shadeBand) DataRange() (xmin, xmax, ymin, ymax float64) {
	return b.span.From, b.span.To, math.Inf(1), math.Inf(-1)
}

// Thumbnail draws the band's legend entry.
func (b *shadeBand) Thumbnail(c *draw.Canvas) {
	c.FillPolygon(shadeColour, []vg.Point{{X: c.Min.X, Y: c.Min.Y}, {X: c.Max.X, Y: c.Min.Y}, {X: c.Max.X, Y: c.Max.Y}, {X: c.Min.X, Y: c.Max.Y}})
}

// Write writes the chart in format "png" or "svg", 8 by 5 inches.
func (c *Chart) Write(w io.Writer, format string) error { return writePlot(w, format, c.Plot) }

// writePlot builds a plot and writes it in format "png" or "svg", 8 by 5
// inches.
func writePlot(w io.Writer, format string, build func() (*plot.Plot, error)) error {
	p, err := build()
	if err != nil {
		return err
	}
	wt, err := p.WriterTo(8*vg.Inch, 5*vg.Inch, format)
	if err != nil {
		return err
	}
	_, err = wt.WriteTo(w)
	return err
}
