// Package plot draws PNG figures of a simulation run with gonum/plot.
//
// Three figures are offered, each from a [Run] (the caller converts its
// recording into one):
//
//   - [Raster]: spike times against neuron index. Up to 200,000 spikes are
//     drawn as points; above that, as a density of spikes per bin over a
//     grid of up to 1000 time bins by 500 neuron bins, which stays quick
//     and readable for hundreds of millions of spikes. The title says
//     which, with N and the spike count.
//   - [Traces]: membrane potential u (mV) against time, one line per traced
//     neuron, at most 20 lines (an evenly spaced selection otherwise, said
//     in the title); long traces are reduced to a min/max envelope per
//     pixel-sized bucket, so resets and peaks stay visible.
//   - [Rate]: population rate in Hz per neuron, averaged over at most 1000
//     time bins (a light line), with a moving average over 2% of the run
//     (a dark line); both widths are in the title. Without a recorded Rate
//     it is counted from the spike list.
//
// Files are written atomically: to a temporary file in the same folder,
// synced and renamed over the path. A function with nothing to draw (no
// spikes, no traces) returns an error and writes nothing.
//
// # Example
//
//	run := plot.Run{Dt: 0.1, Steps: steps, N: n, SpikeSteps: s, SpikeIDs: ids}
//	if err := plot.Raster("out/raster.png", run); err != nil {
//		return err
//	}
package plot
