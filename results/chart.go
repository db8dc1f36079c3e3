package results

import (
	"image/color"
	"io"
	"math"
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
// get(year's metrics) and its 95% interval.
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
}

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
	for k, series := range c.Series {
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
