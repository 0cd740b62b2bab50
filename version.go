package lifgpu

// Version is the version of the lifgpu module, written into run.json.
const Version = "0.1.0"
