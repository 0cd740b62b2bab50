package batch

import (
	"fmt"
	"math"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/model"
)

// NetworkInfo is a built network's summary: run.json's "network" and what lifgpu
// validate prints.
type NetworkInfo struct {
	// Resolution is the weights' fixed point, 2^-Q nA (DESIGN.md, "Networks").
	Resolution float64 `json:"weight_resolution_nA"`
	Q          int     `json:"weight_resolution_q"`
	// D is the delay ring's slots: the longest delay a projection can make, in steps,
	// plus one. A checkpoint's rings have D rows.
	D             int     `json:"delay_ring_slots"`
	MinDelaySteps int     `json:"min_delay_steps"`
	MinDelayMs    float64 `json:"min_delay_ms"`
	Synapses      int64   `json:"synapses"`
	Stored        int64   `json:"synapses_stored"`
	Procedural    int64   `json:"synapses_procedural"`
	// ZeroWeight counts the stored synapses whose weight rounds to 0 at the resolution:
	// they have no effect.
	ZeroWeight  int64            `json:"synapses_zero_weight"`
	Projections []ProjectionInfo `json:"projections"`
}

// ProjectionInfo is one projection's share of the synapses.
type ProjectionInfo struct {
	Name       string `json:"name"`
	Synapses   int64  `json:"synapses"`
	Procedural bool   `json:"procedural,omitempty"`
}

// Network summarizes the network of m, built from cfg; nil without one.
func Network(m *model.Model, cfg lifgpu.Config) *NetworkInfo {
	net := m.Net
	if net == nil {
		return nil
	}
	info := &NetworkInfo{Resolution: math.Ldexp(1, -net.Q), Q: net.Q, D: net.D, MinDelaySteps: net.MinDelay,
		MinDelayMs: float64(net.MinDelay) * m.Dt, Synapses: net.Synapses, Stored: net.Stored,
		Procedural: net.Synapses - net.Stored, ZeroWeight: net.Zero}
	for k, c := range net.Projected {
		p := cfg.Projections[k]
		name := p.Name
		if name == "" {
			name = fmt.Sprintf("projection[%d]", k)
		}
		info.Projections = append(info.Projections, ProjectionInfo{Name: name, Synapses: c, Procedural: p.Procedural})
	}
	return info
}
