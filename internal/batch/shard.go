package batch

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/model"
	"github.com/lifgpu/lifgpu/internal/spec"
)

// Shard is the K-th (from 0) of M contiguous ranges of a population's neurons: a run
// of it simulates those neurons alone, with their global indices (their random draws
// are keyed by them), and Merge joins the M shards' folders into the files of the
// whole run, byte for byte.
type Shard struct {
	K int `json:"k"`
	M int `json:"m"`
}

// ParseShard reads "k/m" (0 <= k < m).
func ParseShard(s string) (Shard, error) {
	ks, ms, ok := strings.Cut(s, "/")
	k, err1 := strconv.Atoi(strings.TrimSpace(ks))
	m, err2 := strconv.Atoi(strings.TrimSpace(ms))
	if !ok || err1 != nil || err2 != nil {
		return Shard{}, fmt.Errorf("shard %q: want k/m, the k-th of m shards counted from 0 (0/4, 1/4, 2/4, 3/4)", s)
	}
	sh := Shard{K: k, M: m}
	return sh, sh.check()
}

func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.K, s.M) }

func (s Shard) check() error {
	if s.M < 1 {
		return fmt.Errorf("shard %s: m = %d, want at least 1 shard", s, s.M)
	}
	if s.K < 0 || s.K >= s.M {
		return fmt.Errorf("shard %s: k = %d is not one of the %d shards 0..%d (shards count from 0: Slurm's --array=0-%d)", s, s.K, s.M, s.M-1, s.M-1)
	}
	return nil
}

// Range is the shard's neurons [lo, hi) of a population of n: lo = k*n/m, so the
// shards differ in size by one neuron at most and cover [0, n) once.
func (s Shard) Range(n int) (lo, hi int) {
	return int(int64(s.K) * int64(n) / int64(s.M)), int(int64(s.K+1) * int64(n) / int64(s.M))
}

// ShardInfo is a shard's record in its run.json ("shard"): what Merge checks and needs.
type ShardInfo struct {
	Shard
	Lo int `json:"lo"` // the shard's neurons [Lo, Hi) of the population
	Hi int `json:"hi"`
	N  int `json:"n"` // the whole population
	// SpecHash is the same in every shard of one spec: the whole population's model hash
	// (parameters, inputs, seed, recording) and its steps. Merge refuses shards whose
	// hashes differ.
	SpecHash  string  `json:"spec_hash"`
	ModelHash string  `json:"model_hash"` // the whole population's (job.json's model_hash of an unsharded run)
	Steps     int     `json:"steps"`
	Dt        float64 `json:"dt_ms"`
	// What the whole run records: Traces are the traced neurons, global, in the spec's
	// order (the columns of the whole run's traces.npz).
	Spikes     bool  `json:"spikes"`
	Rate       bool  `json:"rate"`
	State      bool  `json:"state"`
	Traces     []int `json:"traces,omitempty"`
	TraceEvery int   `json:"trace_every"`
}

// specHash is the hash that every shard of one spec shares.
func specHash(whole [32]byte, steps int) string {
	h := sha256.New()
	h.Write([]byte("lifgpu shard spec\x00"))
	h.Write(whole[:])
	binary.Write(h, binary.LittleEndian, int64(steps))
	return hex.EncodeToString(h.Sum(nil))
}

// cutShard cuts cfg, the whole population of a spec of steps steps with record state,
// to shard sh, and describes it. A network is refused: its shards would need each
// other's spikes.
func cutShard(sh Shard, cfg lifgpu.Config, steps int, state bool) (lifgpu.Config, *ShardInfo, error) {
	if err := sh.check(); err != nil {
		return cfg, nil, err
	}
	if cfg.HasNetwork() {
		return cfg, nil, fmt.Errorf("shard %s: %w", sh, lifgpu.ErrNetworkShard)
	}
	if sh.M > cfg.N {
		return cfg, nil, fmt.Errorf("shard %s: %d shards of %d neurons would leave some empty; use at most %d shards", sh, sh.M, cfg.N, cfg.N)
	}
	whole, err := model.ResolveNeurons(cfg)
	if err != nil {
		return cfg, nil, err
	}
	lo, hi := sh.Range(cfg.N)
	sc, err := cfg.Shard(lo, hi)
	if err != nil {
		return cfg, nil, err
	}
	h := whole.Hash()
	info := &ShardInfo{Shard: sh, Lo: lo, Hi: hi, N: cfg.N, SpecHash: specHash(h, steps), ModelHash: hex.EncodeToString(h[:]),
		Steps: steps, Dt: whole.Dt, Spikes: whole.Record.Spikes, Rate: whole.Record.Rate, State: state,
		Traces: whole.Record.Traces, TraceEvery: whole.Record.Every()}
	return sc, info, nil
}

// cut is cfg, the spec s's whole population, cut to the recipe's shard (as it is, and
// nil, without one).
func (r Recipe) cut(s *spec.Spec, cfg lifgpu.Config) (lifgpu.Config, *ShardInfo, error) {
	if r.Shard == nil {
		return cfg, nil, nil
	}
	return cutShard(*r.Shard, cfg, s.Steps, s.Record.State)
}
