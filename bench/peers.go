package bench

import (
	"bufio"
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The lines that peers_gpu.py (bench/baseline/) prints, per N:
//
//	d2d copy: 3000 GB/s (read+write)
//	N=268435456 CUDA: single-step 1.543 ms/step 174.00 G upd/s | fused k=100 11.423 ms 2350.00 G upd/s | spikes 123
//	N=268435456 CUDA no-FMA: single-step ... | fused k=100 ... G upd/s | spikes 123
//	N=268435456 torch eager: 13.4 ms/step 20.00 G upd/s | spikes 123
//	N=268435456 torch.compile step: 2.485 ms/step 108.00 G upd/s | spikes 123
//	N=268435456 torch/compile skipped: why
//
// The spike totals are optional (the earlier script printed none).
var (
	reCopy  = regexp.MustCompile(`^d2d copy: ([0-9.]+) GB/s`)
	reCUDA  = regexp.MustCompile(`^N=(\d+) (CUDA(?: no-FMA)?): single-step ([0-9.]+) ms/step ([0-9.]+) G upd/s \| fused k=(\d+) ([0-9.]+) ms ([0-9.]+) G upd/s(?: \| spikes (\d+))?`)
	reTorch = regexp.MustCompile(`^N=(\d+) (torch eager|torch\.compile step): ([0-9.]+) ms/step ([0-9.]+) G upd/s(?: \| spikes (\d+))?`)
	reSkip  = regexp.MustCompile(`^(?:N=(\d+) )?([a-z][a-z/+.-]*) skipped: (.+)$`)
)

// ParsePeers turns peers_gpu.py's output into rows: "cuda/single", "cuda/fused",
// "cuda-nofma/single", "cuda-nofma/fused", "torch/eager", "torch/compile", and
// "copy" (whose StateGBps is the device-to-device copy bandwidth, read plus write);
// a "skipped" line becomes a row with Skipped set ("cuda", "torch", ...). The first
// line without a colon names the device.
func ParsePeers(out string) []Row {
	var rows []Row
	date := time.Now().UTC().Format("2006-01-02")
	device := ""
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if device == "" && line != "" && !strings.Contains(line, ":") {
			device = line
			continue
		}
		if m := reCopy.FindStringSubmatch(line); m != nil {
			gbps, _ := strconv.ParseFloat(m[1], 64)
			rows = append(rows, Row{Name: "copy", Backend: "cuda", StateGBps: gbps, Device: device, Date: date})
			continue
		}
		if m := reCUDA.FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(m[1])
			name := "cuda"
			if strings.Contains(m[2], "no-FMA") {
				name = "cuda-nofma"
			}
			g1, _ := strconv.ParseFloat(m[4], 64)
			k, _ := strconv.Atoi(m[5])
			gk, _ := strconv.ParseFloat(m[7], 64)
			single := Row{Name: name + "/single", Backend: "cuda", Mode: ModeForward, Method: "euler", N: n, Steps: 100, Device: device, Date: date}
			single.fill(float64(n) * 100 / (g1 * 1e9))
			fused := Row{Name: name + "/fused", Backend: "cuda", Mode: ModeRun, Method: "euler", N: n, Steps: k, Device: device, Date: date}
			fused.Spikes, _ = strconv.ParseUint(m[8], 10, 64)
			fused.fill(float64(n) * float64(k) / (gk * 1e9))
			rows = append(rows, single, fused)
			continue
		}
		if m := reTorch.FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(m[1])
			name := "torch/eager"
			if strings.HasPrefix(m[2], "torch.compile") {
				name = "torch/compile"
			}
			g, _ := strconv.ParseFloat(m[4], 64)
			r := Row{Name: name, Backend: "torch", Mode: ModeForward, Method: "euler", N: n, Steps: 100, Device: device, Date: date}
			r.Spikes, _ = strconv.ParseUint(m[5], 10, 64)
			r.fill(float64(n) * 100 / (g * 1e9))
			rows = append(rows, r)
			continue
		}
		if m := reSkip.FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(m[1])
			rows = append(rows, Row{Name: m[2], N: n, Skipped: m[3], Device: device, Date: date})
		}
	}
	return rows
}

// RunPeers runs the GPU peers (PeersFile in dir, or the copy built into this package
// when dir is empty) with python3 for the sizes given and parses their output. On a
// machine without python3 it returns ErrNoPython3; without PyTorch, CuPy or a CUDA
// device the script itself says so in "skipped" rows. With timeout > 0 the script is
// stopped then: the rows it printed so far count, and a "skipped" row says the rest
// timed out (a slow torch.compile must not eat a benchmark's time budget).
func RunPeers(dir string, sizes []int, timeout time.Duration) ([]Row, string, error) {
	python, err := exec.LookPath("python3")
	if err != nil {
		return nil, "", ErrNoPython3
	}
	script, done, err := writeSource(dir, PeersFile)
	if err != nil {
		return nil, "", err
	}
	defer done()
	var ns []string
	for _, n := range sizes {
		ns = append(ns, strconv.Itoa(n))
	}
	ctx := context.Background()
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, python, script, strings.Join(ns, ","))
	cmd.Env = append(cmd.Environ(), "PYTHONUNBUFFERED=1", "PYTHONDONTWRITEBYTECODE=1")
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		rows := ParsePeers(string(out))
		return append(rows, Skip("peers", fmt.Errorf("%s stopped after %v: the rows before are its, the rest did not run", PeersFile, timeout))), string(out), nil
	}
	if err != nil {
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		return nil, string(out), fmt.Errorf("bench: %s: %v: %s\n%s", PeersFile, err, lines[len(lines)-1], out)
	}
	return ParsePeers(string(out)), string(out), nil
}
