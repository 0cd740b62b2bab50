package main

import (
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress shows a run's progress: a bar on a terminal once the run has taken more
// than a second, otherwise a log line at most every 5 s.
type progress struct {
	w       io.Writer
	log     *slog.Logger
	tty     bool
	bar     *progressbar.ProgressBar
	lastLog time.Time
}

func newProgress(w io.Writer, log *slog.Logger) *progress {
	p := &progress{w: w, log: log, lastLog: time.Now()}
	if f, ok := w.(*os.File); ok {
		p.tty = term.IsTerminal(int(f.Fd()))
	}
	return p
}

func (p *progress) update(done, total int64, el time.Duration) {
	switch {
	case p.tty && p.bar == nil && el > time.Second && done < total:
		p.bar = progressbar.NewOptions64(total, progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription("steps"), progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true), progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish())
		p.bar.Set64(done)
	case p.bar != nil:
		p.bar.Set64(done)
	case !p.tty && time.Since(p.lastLog) > 5*time.Second:
		p.lastLog = time.Now()
		p.log.Info("progress", "step", done, "of", total)
	}
}

func (p *progress) finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}
