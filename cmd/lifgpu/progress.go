package main

import (
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/lifgpu/lifgpu"
)

// runWithProgress runs steps steps in slices, so that a terminal shows a progress bar
// once the run has taken more than a second, and a log shows a line at most every 5 s.
func runWithProgress(pop lifgpu.Population, steps int, stderr io.Writer, logger *slog.Logger) error {
	slice := max(1, steps/200)
	tty := false
	if f, ok := stderr.(*os.File); ok {
		tty = term.IsTerminal(int(f.Fd()))
	}
	start := time.Now()
	lastLog := start
	var bar *progressbar.ProgressBar
	for done := 0; done < steps; {
		k := min(slice, steps-done)
		if err := pop.Run(k); err != nil {
			return err
		}
		done += k
		el := time.Since(start)
		switch {
		case tty && bar == nil && el > time.Second && done < steps:
			bar = progressbar.NewOptions64(int64(steps), progressbar.OptionSetWriter(stderr),
				progressbar.OptionSetDescription("steps"), progressbar.OptionShowCount(),
				progressbar.OptionSetPredictTime(true), progressbar.OptionThrottle(100*time.Millisecond),
				progressbar.OptionClearOnFinish())
			bar.Set64(int64(done))
		case bar != nil:
			bar.Set64(int64(done))
		case !tty && time.Since(lastLog) > 5*time.Second:
			lastLog = time.Now()
			logger.Info("progress", "step", done, "of", steps,
				"neuron_updates_per_s", float64(pop.Len())*float64(done)/el.Seconds())
		}
	}
	if bar != nil {
		bar.Finish()
	}
	return nil
}
