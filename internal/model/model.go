package model

import (
	"fmt"
	"math"
	"reflect"
	"sync"
	"sync/atomic"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/conn"
	"github.com/lifgpu/lifgpu/internal/f32"
	"github.com/lifgpu/lifgpu/internal/rng"
)

// Model is a validated Config, resolved into the float32 values that the update uses.
// The conversions happen once, on the host, in float64 then rounded to float32, so that
// every backend starts from the same bits.
type Model struct {
	N        int
	Method   lifgpu.Method
	Dt       float64
	Alpha    Field[float32] // Euler: float32(dt/tau_m). Exact: float32(exp(-dt/tau_m)).
	R        Field[float32]
	URest    Field[float32]
	UReset   Field[float32]
	UTh      Field[float32]
	RefSteps Field[int32] // int(round(t_ref/dt)), half away from zero
	U0       Field[float32]
	Bias     Field[float32] // 0 when unset
	Schedule []Entry
	Record   lifgpu.Record

	// Random inputs: Seed keys the generator. HasNoise: noise = NoiseMean + NoiseStd*z.
	// HasPoisson: poisson = float32(k)*PoissonWeight with k drawn from PoissonTable.
	Seed          uint64
	First         uint32 // the global index of neuron 0 (lifgpu.Config.First): draws use First+i
	HasNoise      bool
	NoiseMean     Field[float32]
	NoiseStd      Field[float32]
	Normal        *rng.NormalTable // the Gaussian table: noise, and a network's drawn weights and delays
	HasPoisson    bool
	PoissonTable  *rng.PoissonTable
	PoissonWeight Field[float32]

	// Notes are the Config's Notes: the subnormal inputs flushed to zero.
	Notes []string

	// Net is the network's synapses, nil for uncoupled neurons; Ex and In its two
	// ports (DESIGN.md, "Networks").
	Net    *conn.Network
	Ex, In Port
}

// Port is one synaptic input port: per neuron, Delta (1: a delta current, tau_syn = 0)
// or the current's decay a step, float32(exp(-dt/tau_syn)).
type Port struct {
	Delta Field[int32]
	Decay Field[float32]
}

// Entry is a schedule entry in float32: the scheduled current from step Step on.
type Entry struct {
	Step  int64
	Value Field[float32]
}

// Resolve validates cfg and returns its Model, its network built.
func Resolve(cfg lifgpu.Config) (*Model, error) {
	m, err := ResolveNeurons(cfg)
	if err != nil {
		return nil, err
	}
	if err := m.Connect(cfg); err != nil {
		return nil, err
	}
	return m, nil
}

// ResolveNeurons is Resolve without the network: m.Net stays nil until Connect builds
// it. A resource check made before the build (which for 10^9 synapses takes long) needs
// the rest of the model, and Expect foresees the network.
func ResolveNeurons(cfg lifgpu.Config) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	n := cfg.N
	p := cfg.Params.WithDefaults()
	dt := p.Dt
	m := &Model{N: n, Method: p.Method, Dt: dt, Record: cfg.Record, Seed: cfg.Seed, First: uint32(cfg.First), Notes: cfg.Notes()}
	if p.Method == lifgpu.Exact {
		m.Alpha = map32(p.TauM, n, func(tau float64) float64 { return math.Exp(-dt / tau) })
	} else {
		m.Alpha = map32(p.TauM, n, func(tau float64) float64 { return dt / tau })
	}
	m.R = to32(p.R, n)
	m.URest = to32(p.URest, n)
	m.UReset = to32(p.UReset, n)
	m.UTh = to32(p.UTh, n)
	m.U0 = to32(p.U0, n)
	if cfg.Input.Bias.IsSet() {
		m.Bias = to32(cfg.Input.Bias, n)
	}
	m.RefSteps = mapI32(p.TRef, n, func(t float64) int32 { return int32(math.Round(t / dt)) })
	for _, e := range cfg.Input.Schedule {
		m.Schedule = append(m.Schedule, Entry{Step: e.Step, Value: to32(e.Value, n)})
	}
	if nz := cfg.Input.Noise; nz.Enabled() {
		m.HasNoise, m.Normal = true, normalTable()
		if nz.Mean.IsSet() {
			m.NoiseMean = to32(nz.Mean, n)
		}
		if nz.Std.IsSet() {
			m.NoiseStd = to32(nz.Std, n)
		}
	}
	if po := cfg.Input.Poisson; po.Enabled() {
		lambdas := make([]float64, po.Rate.Len())
		for i := range lambdas {
			lambdas[i] = po.Rate.At(i) * dt / 1000
		}
		t, err := rng.NewPoissonTable(lambdas...)
		if err != nil {
			return nil, err // Validate checked every mean: a bug if it happens
		}
		m.HasPoisson, m.PoissonTable = true, t
		m.PoissonWeight = Field[float32]{Scalar: 1}
		if po.Weight.IsSet() {
			m.PoissonWeight = to32(po.Weight, n)
		}
	}
	return m, nil
}

// Connect builds the network of cfg, the Config m was resolved from (ResolveNeurons),
// into m: the synapses, the ports, and a note when weights round to 0. A Config
// without projections leaves m uncoupled.
func (m *Model) Connect(cfg lifgpu.Config) error {
	if !cfg.HasNetwork() || m.Net != nil {
		return nil
	}
	n, dt := m.N, m.Dt
	net := take(cfg)
	if net == nil {
		built.Add(1)
		var err error
		if net, err = conn.Build(cfg, dt, normalTable(), 0); err != nil {
			return err
		}
	}
	m.Net = net
	m.Normal = normalTable() // procedural rows draw their weights and delays with it again
	m.Ex = port(cfg.Synapses.TauSynEx, n, dt)
	m.In = port(cfg.Synapses.TauSynIn, n, dt)
	if net.Zero > 0 {
		m.Notes = append(m.Notes, fmt.Sprintf("%d synapses have weights that round to 0 at the resolution 2^-%d nA: they have no effect", net.Zero, net.Q))
	}
	return nil
}

// offered is a network handed over by Offer.
var offered struct {
	sync.Mutex
	cfg lifgpu.Config
	net *conn.Network
}

// built counts the networks Connect built (NetworksBuilt).
var built atomic.Int64

// Offer hands net, built for cfg, to the next Connect of an equal Config in this
// process (reflect.DeepEqual, at once where the arrays are cfg's own), which takes it
// instead of building it again; withdraw drops it if none took it. The batch runner
// builds a run's network to check and hash it, then makes the backend from the Config,
// which would build the network a second time: for 10^8 synapses, seconds.
func Offer(cfg lifgpu.Config, net *conn.Network) (withdraw func()) {
	offered.Lock()
	offered.cfg, offered.net = cfg, net
	offered.Unlock()
	return func() {
		offered.Lock()
		if offered.net == net {
			offered.cfg, offered.net = lifgpu.Config{}, nil
		}
		offered.Unlock()
	}
}

// take takes the offered network if it was built for cfg.
func take(cfg lifgpu.Config) *conn.Network {
	offered.Lock()
	defer offered.Unlock()
	if offered.net == nil || !reflect.DeepEqual(offered.cfg, cfg) {
		return nil
	}
	net := offered.net
	offered.cfg, offered.net = lifgpu.Config{}, nil
	return net
}

// NetworksBuilt is the number of networks Connect has built in this process (not
// taken from Offer): for tests.
func NetworksBuilt() int64 { return built.Load() }

// Expect foresees the network of cfg without building it (conn.Expect): the synapse
// counts and the delay ring, for a resource check before the build.
func Expect(cfg lifgpu.Config) conn.Expectation {
	return conn.Expect(cfg, cfg.Params.WithDefaults().Dt, normalTable())
}

// port resolves a port's time constant: unset or 0 is a delta current.
func port(tau lifgpu.Values, n int, dt float64) Port {
	if !tau.IsSet() {
		return Port{Delta: Field[int32]{Scalar: 1}}
	}
	return Port{
		Delta: mapI32(tau, n, func(t float64) int32 { return b2i(t == 0) }),
		Decay: map32(tau, n, func(t float64) float64 {
			if t == 0 {
				return 0
			}
			return math.Exp(-dt / t)
		}),
	}
}

func b2i(b bool) int32 {
	if b {
		return 1
	}
	return 0
}

// normalTable is the one Gaussian table every population shares.
var normalTable = sync.OnceValue(rng.NewNormalTable)

// to32 rounds v to float32, keeping a scalar scalar.
func to32(v lifgpu.Values, n int) Field[float32] {
	return map32(v, n, func(x float64) float64 { return x })
}

// map32 applies fn to each value of v (in float64) and rounds the result to float32,
// flushing a subnormal result to a zero of its sign, as the contract does with every
// input (lifgpu.Config.Notes names those).
func map32(v lifgpu.Values, n int, fn func(float64) float64) Field[float32] {
	if v.IsScalar() {
		return Field[float32]{Scalar: f32.Flush(float32(fn(v.ScalarValue())))}
	}
	out := make([]float32, n)
	for i := range out {
		out[i] = f32.Flush(float32(fn(v.At(i))))
	}
	return Field[float32]{Values: out}
}

// mapI32 applies fn to each value of v.
func mapI32(v lifgpu.Values, n int, fn func(float64) int32) Field[int32] {
	if v.IsScalar() {
		return Field[int32]{Scalar: fn(v.ScalarValue())}
	}
	out := make([]int32, n)
	for i := range out {
		out[i] = fn(v.At(i))
	}
	return Field[int32]{Values: out}
}
