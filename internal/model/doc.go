// Package model is what both backends build from: a validated [lifgpu.Config]
// resolved once, on the host, into the float32 and int32 values that the update reads
// ([Model], [Resolve]), the schedule cut into constant segments, the input terms of the
// contract's step written once ([Model.Current], [Model.Random]), the model's hash that
// checkpoints carry, and the host-side bookkeeping every population repeats ([Host]:
// the step counter, the closed flag, the recording, the checks of Forward, Run and
// Restore).
//
// Nothing here is part of the user's API: lifgpu users make populations with cpu.New,
// gpu.New or backend.New, and never see a Model.
package model
