package batch

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tree writes files (path: content) under a new folder, as /proc and /sys would hold them.
func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, text := range files {
		path := filepath.Join(root, name)
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

const (
	meminfo   = "MemTotal: 134217728 kB\nMemFree: 1000 kB\nMemAvailable: 104857600 kB\n" // 100 GiB available
	status    = "Name: lifgpu\nVmSize:  1048576 kB\nVmData:   524288 kB\n"               // 1 GiB mapped, 512 MiB data
	mountsV2  = "25 1 0:23 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n"
	mountsV1  = "31 23 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n"
	unlimited = "9223372036854771712\n"
)

// TestAvailableMemory: the least of what the limits leave, and which binds: MemAvailable
// alone; a cgroup v2 limit on the job above the process's own cgroup, less the usage
// that cannot be reclaimed; a cgroup v1 memory limit (a Slurm job's); a container's
// limit at the root of its namespace; RLIMIT_AS less what the process maps.
func TestAvailableMemory(t *testing.T) {
	none := func(string) (uint64, bool) { return 0, false }
	cases := []struct {
		name   string
		files  map[string]string
		rlimit func(string) (uint64, bool)
		avail  int64
		source string
	}{
		{"meminfo", map[string]string{"proc/meminfo": meminfo}, none, 100 << 30, "MemAvailable"},
		{"cgroup v2", map[string]string{
			"proc/meminfo": meminfo, "proc/self/cgroup": "0::/job/step\n", "proc/self/mountinfo": mountsV2,
			"sys/fs/cgroup/job/memory.max": "4294967296\n", "sys/fs/cgroup/job/memory.current": "1073741824\n",
			"sys/fs/cgroup/job/memory.stat":     "anon 1\ninactive_file 536870912\nactive_file 3\n",
			"sys/fs/cgroup/job/step/memory.max": "max\n", "sys/fs/cgroup/job/step/memory.current": "1073741824\n",
		}, none, 4<<30 - 512<<20, "memory.max of /sys/fs/cgroup/job, 4.0 GiB, 512.0 MiB of it in use"},
		{"cgroup v1", map[string]string{
			"proc/meminfo": meminfo, "proc/self/cgroup": "5:devices:/x\n4:memory:/slurm/uid_1/job_7\n0::/\n", "proc/self/mountinfo": mountsV1,
			"sys/fs/cgroup/memory/slurm/uid_1/job_7/memory.limit_in_bytes": "2147483648\n",
			"sys/fs/cgroup/memory/slurm/uid_1/job_7/memory.usage_in_bytes": "536870912\n",
			"sys/fs/cgroup/memory/slurm/uid_1/memory.limit_in_bytes":       unlimited,
			"sys/fs/cgroup/memory/memory.limit_in_bytes":                   unlimited,
		}, none, 1536 << 20, "memory.limit_in_bytes of /sys/fs/cgroup/memory/slurm/uid_1/job_7"},
		{"container", map[string]string{
			"proc/meminfo": meminfo, "proc/self/cgroup": "0::/\n", "proc/self/mountinfo": mountsV2,
			"sys/fs/cgroup/memory.max": "1073741824\n", "sys/fs/cgroup/memory.current": "0\n",
		}, none, 1 << 30, "memory.max of /sys/fs/cgroup,"},
		{"ulimit -v", map[string]string{"proc/meminfo": meminfo, "proc/self/status": status},
			func(r string) (uint64, bool) { return 3 << 30, r == "as" }, 2 << 30, "RLIMIT_AS (ulimit -v) of 3.0 GiB, 1.0 GiB of it in use"},
		{"ulimit -d", map[string]string{"proc/meminfo": meminfo, "proc/self/status": status},
			func(r string) (uint64, bool) { return 1 << 30, r == "data" }, 512 << 20, "RLIMIT_DATA (ulimit -d)"},
	}
	for _, c := range cases {
		mem, err := probe{root: tree(t, c.files), rlimit: c.rlimit}.available()
		if err != nil || mem.Avail != c.avail || !strings.Contains(mem.Source, c.source) {
			t.Errorf("%s: %d (%s), %v; want %d from %q", c.name, mem.Avail, mem.Source, err, c.avail, c.source)
		}
	}
	if _, err := (probe{root: t.TempDir(), rlimit: none}).available(); err == nil {
		t.Error("no information at all gave no error")
	}
	// This machine: something is known, and the limit is named.
	if mem, err := AvailableMemory(); err != nil || mem.Avail <= 0 || mem.Source == "" {
		t.Errorf("here: %+v, %v", mem, err)
	}
}
