package calibrate

import (
	"fmt"
	"image/color"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Chart is one of a calibration's charts: "posterior", the marginal
// posterior of each parameter against its prior (its plausible range)
// and its default, or "fit", each target's z-score at the posterior and
// at the defaults.
type Chart struct {
	Result *Result
	Kind   string
}

// Write writes the chart in format "png" or "svg".
func (c *Chart) Write(w io.Writer, format string) error {
	var plots [][]*plot.Plot
	var err error
	cols := 1
	switch c.Kind {
	case "posterior":
		cols = min(3, len(c.Result.Model.Params))
		plots, err = c.posterior(cols)
	case "fit":
		var p *plot.Plot
		p, err = c.fit()
		plots = [][]*plot.Plot{{p}}
	default:
		return fmt.Errorf("calibrate: no chart %q", c.Kind)
	}
	if err != nil {
		return err
	}
	width := vg.Length(cols) * 3.2 * vg.Inch
	height := vg.Length(len(plots)) * 2.4 * vg.Inch
	if c.Kind == "fit" {
		width, height = 9*vg.Inch, 5.5*vg.Inch
	}
	var canvas interface {
		vg.CanvasSizer
		io.WriterTo
	}
	switch format {
	case "png":
		img := vgimg.New(width, height)
		canvas = vgimg.PngCanvas{Canvas: img}
	case "svg":
		canvas = vgsvg.New(width, height)
	default:
		return fmt.Errorf("calibrate: unknown chart format %q", format)
	}
	dc := draw.New(canvas)
	tiles := draw.Tiles{Rows: len(plots), Cols: cols, PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 4,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	canvases := plot.Align(plots, tiles, dc)
	for j := range plots {
		for i, p := range plots[j] {
			if p != nil {
				p.Draw(canvases[j][i])
			}
		}
	}
	_, err = canvas.WriteTo(w)
	return err
}

// posterior returns one panel per parameter: the weighted histogram of
// the posterior particles as a density, the uniform prior's density over
// the plausible range (grey), and the default (red, dashed).
func (c *Chart) posterior(cols int) ([][]*plot.Plot, error) {
	r := c.Result
	post := r.Posterior()
	n := len(r.Model.Params)
	rows := (n + cols - 1) / cols
	out := make([][]*plot.Plot, rows)
	for j := range out {
		out[j] = make([]*plot.Plot, cols)
	}
	for k, prm := range r.Model.Params {
		p := plot.New()
		p.Title.Text = prm.Key
		p.Title.TextStyle.Font.Size = vg.Points(9)
		p.Y.Label.Text = "density"
		lo, hi := prm.Range.Low, prm.Range.High
		xys := make(plotter.XYs, len(post))
		for i, q := range post {
			xys[i] = plotter.XY{X: q.Theta[k], Y: q.Weight}
		}
		h, err := plotter.NewHistogram(xys, 12)
		if err != nil {
			return nil, err
		}
		h.Normalize(1)
		h.FillColor = color.RGBA{R: 70, G: 110, B: 180, A: 160}
		p.Add(h)
		prior, err := plotter.NewLine(plotter.XYs{{X: lo, Y: 1 / (hi - lo)}, {X: hi, Y: 1 / (hi - lo)}})
		if err != nil {
			return nil, err
		}
		prior.Color = color.Gray{Y: 120}
		p.Add(prior)
		top := 1 / (hi - lo)
		for _, b := range h.Bins {
			top = max(top, b.Weight)
		}
		def, err := plotter.NewLine(plotter.XYs{{X: prm.Default, Y: 0}, {X: prm.Default, Y: top}})
		if err != nil {
			return nil, err
		}
		def.Color = color.RGBA{R: 200, A: 255}
		def.Dashes = []vg.Length{vg.Points(3), vg.Points(2)}
		p.Add(def)
		p.X.Min, p.X.Max = math.Min(lo, prm.Default), math.Max(hi, prm.Default)
		out[k/cols][k%cols] = p
	}
	return out, nil
}

// zErrors are the 90% intervals of the targets' z-scores over the
// posterior.
type zErrors struct {
	plotter.XYs
	plotter.YErrors
}

// fit returns the plot of each target's z-score: the posterior mean's
// (blue) with the 90% interval of the particles' statistics, the
// defaults' (red cross), and the band of ±FitLimit in which a target
// counts as fitted.
func (c *Chart) fit() (*plot.Plot, error) {
	r := c.Result
	fits := r.Fit()
	p := plot.New()
	p.Title.Text = "Targets: z = (simulated − published)/SE, posterior (90% interval) and defaults"
	p.Y.Label.Text = "z"
	p.Add(plotter.NewGrid())
	n := len(fits)
	var post zErrors
	var defs plotter.XYs
	var ticks []plot.Tick
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	for k, f := range fits {
		x := float64(k)
		ticks = append(ticks, plot.Tick{Value: x, Label: f.Target.Name})
		zlo, zhi := r.Model.z(k, f.Lo), r.Model.z(k, f.Hi)
		if finite(f.Z) && finite(zlo) && finite(zhi) {
			post.XYs = append(post.XYs, plotter.XY{X: x, Y: f.Z})
			post.YErrors = append(post.YErrors, struct{ Low, High float64 }{f.Z - zlo, zhi - f.Z})
		}
		if finite(f.DefaultZ) {
			defs = append(defs, plotter.XY{X: x, Y: f.DefaultZ})
		}
	}
	for _, limit := range []float64{-FitLimit, FitLimit} {
		l, err := plotter.NewLine(plotter.XYs{{X: -0.5, Y: limit}, {X: float64(n) - 0.5, Y: limit}})
		if err != nil {
			return nil, err
		}
		l.Color = color.Gray{Y: 150}
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(l)
	}
	if len(post.XYs) > 0 {
		bars, err := plotter.NewYErrorBars(post)
		if err != nil {
			return nil, err
		}
		bars.Color = color.RGBA{R: 40, G: 80, B: 160, A: 255}
		pts, err := plotter.NewScatter(post.XYs)
		if err != nil {
			return nil, err
		}
		pts.Color = bars.Color
		p.Add(bars, pts)
		p.Legend.Add("posterior", pts)
	}
	if len(defs) > 0 {
		d, err := plotter.NewScatter(defs)
		if err != nil {
			return nil, err
		}
		d.GlyphStyle.Shape = draw.CrossGlyph{}
		d.Color = color.RGBA{R: 200, A: 255}
		p.Add(d)
		p.Legend.Add("defaults", d)
	}
	p.Legend.Top = true
	p.X.Min, p.X.Max = -0.5, float64(n)-0.5
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Tick.Label.Rotation = math.Pi / 5
	p.X.Tick.Label.XAlign = draw.XRight
	p.X.Tick.Label.YAlign = draw.YTop
	return p, nil
}
