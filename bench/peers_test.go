package bench

import "testing"

func TestParsePeers(t *testing.T) {
	out := `NVIDIA H100 80GB HBM3
d2d copy: 3012 GB/s (read+write)
N=1048576 CUDA: single-step 0.012 ms/step 87.38 G upd/s | fused k=100 0.100 ms 1048.58 G upd/s
N=1048576 CUDA no-FMA: single-step 0.013 ms/step 80.66 G upd/s | fused k=100 0.110 ms 953.25 G upd/s | spikes 4242
N=1048576 torch eager: 0.100 ms/step 10.49 G upd/s | spikes 4242
torch.compile failed: 'x'
N=1048576 torch.compile step: 0.020 ms/step 52.43 G upd/s
N=16777216 torch/compile skipped: RuntimeError: out of memory
`
	rows := ParsePeers(out)
	want := map[string]float64{"cuda/single": 87.38e9, "cuda/fused": 1048.58e9, "cuda-nofma/fused": 953.25e9, "torch/eager": 10.49e9, "torch/compile": 52.43e9}
	got := map[string]Row{}
	for _, r := range rows {
		if r.Skipped == "" {
			got[r.Name] = r
		}
	}
	for name, ups := range want {
		r, ok := got[name]
		if !ok {
			t.Errorf("no row %s in %v", name, rows)
			continue
		}
		if d := r.UpdatesPerS/ups - 1; d > 1e-9 || d < -1e-9 || r.N != 1048576 || r.Device != "NVIDIA H100 80GB HBM3" {
			t.Errorf("%s: %+v, want about %g updates/s", name, r, ups)
		}
	}
	if got["cuda-nofma/fused"].Spikes != 4242 || got["torch/eager"].Spikes != 4242 || got["cuda/fused"].Spikes != 0 {
		t.Errorf("spikes: %+v", rows)
	}
	var skipped []Row
	for _, r := range rows {
		if r.Skipped != "" {
			skipped = append(skipped, r)
		}
	}
	if len(skipped) != 1 || skipped[0].Name != "torch/compile" || skipped[0].N != 16777216 || skipped[0].Skipped != "RuntimeError: out of memory" {
		t.Errorf("skipped rows: %+v", skipped)
	}
	if got["copy"].StateGBps != 3012 {
		t.Errorf("copy: %+v", got["copy"])
	}
}
