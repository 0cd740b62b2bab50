// Package npy writes and reads NumPy's .npy and .npz files.
//
// The simulator saves spike lists, rates and voltage traces as .npy arrays
// (one array per file) or as an uncompressed .npz archive (one entry per
// array, as numpy.savez does), and it reads parameter arrays back from .npy
// files written by NumPy.
//
// # Writing
//
// [Write] streams the header and the raw little-endian data of an [Array];
// on little-endian hosts the data is written straight from the slice's
// memory, so writing 10^8 elements costs about as much as the disk does.
// [WriteNPY] and [WriteNPZ] write a file atomically: to a temporary file in
// the same folder, synced and then renamed over the path, so a reader sees
// either the old file or the complete new one, never a partial one.
//
//	err = npy.WriteNPZ(path,
//		npy.Array{Name: "spike_steps", Data: steps},
//		npy.Array{Name: "traces", Shape: []int{rows, len(ids)}, Data: traces},
//	)
//
// # Reading
//
// [Read] and [ReadFile] accept format versions 1.0, 2.0 and 3.0, C order,
// and the dtypes '<f4', '<f8', '<i4', '<u4', '<i8' and '|u1' (big-endian
// variants are converted). The header is parsed by a small hand-written
// parser of the Python literal dict. The sizes in it are checked against the
// file size before memory is allocated (for a stream of unknown length,
// memory grows only as data arrives), so malformed or hostile files give an
// error, never a panic or a huge allocation. [ReadNPZ] verifies every entry's
// CRC-32 (a bit flipped on disk is an error, not another number) and checks
// the sizes the archive's directory declares against the file before reading
// any entry, so a zip bomb is refused from its directory; [ReadNPZHeaders]
// gives the shapes, types and sizes alone, for a caller to check before it
// reads. A path that is not a regular file (a named pipe, a device, a folder)
// is refused before it is opened: reading it could block forever.
//
//	a, err := npy.ReadFile(filepath.Join(dir, "tau_m.npy"))
//	if err != nil {
//		log.Fatal(err)
//	}
//	tau, err := a.Float64s()
//
// # Format
//
// See https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html.
// Headers are padded with spaces and a final newline so that the data starts
// at a multiple of 64 bytes, as NumPy does.
package npy
