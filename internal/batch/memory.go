package batch

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Memory is what a run may still allocate, and which limit says so.
type Memory struct {
	Avail  int64
	Source string // the limit that binds, in words
}

// memoryAvailable is what Preflight compares with; tests replace it.
var memoryAvailable = AvailableMemory

// AvailableMemory is the least that the limits on this process leave it: the machine's
// MemAvailable, the address space RLIMIT_AS leaves (ulimit -v: the limit less what the
// process maps now), the data RLIMIT_DATA leaves (ulimit -d), and each memory cgroup the
// process is in, up to the root (cgroup v2 memory.max, v1 memory.limit_in_bytes, less
// the usage that cannot be reclaimed): what a container or a Slurm job sets. Under
// such a limit, an allocation past it kills a Go program with "fatal error: out of
// memory"; refused before, the run says why.
func AvailableMemory() (Memory, error) {
	return probe{root: "/", rlimit: rlimit}.available()
}

// probe reads the limits from the files under root (tests give a tree of their own)
// and rlimit.
type probe struct {
	root string
	// rlimit returns the soft limit of "as" (RLIMIT_AS) or "data" (RLIMIT_DATA), and
	// whether there is one.
	rlimit func(resource string) (uint64, bool)
}

func (p probe) available() (Memory, error) {
	var best *Memory
	consider := func(avail int64, source string) {
		if best == nil || avail < best.Avail {
			best = &Memory{Avail: max(avail, 0), Source: source}
		}
	}
	if kb, err := p.field("proc/meminfo", "MemAvailable"); err == nil {
		consider(kb<<10, "MemAvailable of /proc/meminfo")
	}
	for _, r := range []struct{ resource, used, name string }{
		{"as", "VmSize", "the address-space limit RLIMIT_AS (ulimit -v)"},
		{"data", "VmData", "the data limit RLIMIT_DATA (ulimit -d)"},
	} {
		limit, ok := p.rlimit(r.resource)
		if !ok || limit > 1<<62 {
			continue
		}
		used, _ := p.field("proc/self/status", r.used)
		consider(int64(limit)-used<<10, fmt.Sprintf("%s of %s, %s of it in use", r.name, HumanBytes(int64(limit)), HumanBytes(used<<10)))
	}
	for _, c := range p.cgroups() {
		consider(c.Avail, c.Source)
	}
	if best == nil {
		return Memory{}, errors.New("no memory information here (/proc/meminfo)")
	}
	return *best, nil
}

// field reads "Key: value [kB]" from file (under root) as a number.
func (p probe) field(file, key string) (int64, error) {
	f, err := os.Open(filepath.Join(p.root, file))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), key+":"); ok {
			return strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
		}
	}
	return 0, fmt.Errorf("no %s in %s", key, file)
}

// cgroups are the memory limits of the cgroups that hold this process, each level from
// its own up to the mount's root: v2 (memory.max, memory.current) and v1
// (memory.limit_in_bytes, memory.usage_in_bytes); the inactive file cache counts as
// free, as the kernel reclaims it before it kills.
func (p probe) cgroups() []Memory {
	groups, err := os.ReadFile(filepath.Join(p.root, "proc/self/cgroup"))
	if err != nil {
		return nil
	}
	mounts, err := os.ReadFile(filepath.Join(p.root, "proc/self/mountinfo"))
	if err != nil {
		return nil
	}
	var out []Memory
	for _, line := range strings.Split(string(groups), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		v2 := parts[0] == "0" && parts[1] == ""
		if !v2 && !strings.Contains(","+parts[1]+",", ",memory,") {
			continue
		}
		root, mount, ok := cgroupMount(string(mounts), v2)
		if !ok {
			continue
		}
		rel, ok := strings.CutPrefix(parts[2], root)
		if !ok {
			continue // the process's cgroup is outside what this mount shows
		}
		limitFile, usageFile, inactive := "memory.max", "memory.current", "inactive_file"
		if !v2 {
			limitFile, usageFile, inactive = "memory.limit_in_bytes", "memory.usage_in_bytes", "total_inactive_file"
		}
		top := filepath.Join(p.root, mount)
		for dir := filepath.Join(top, rel); ; dir = filepath.Dir(dir) {
			if limit, ok := readNumber(filepath.Join(dir, limitFile)); ok && limit < 1<<62 {
				usage, _ := readNumber(filepath.Join(dir, usageFile))
				reclaim := statField(filepath.Join(dir, "memory.stat"), inactive)
				used := max(usage-reclaim, 0)
				shown := strings.TrimPrefix(filepath.Join(mount, strings.TrimPrefix(dir, top)), "/")
				out = append(out, Memory{Avail: limit - used, Source: fmt.Sprintf("the cgroup memory limit %s of /%s, %s, %s of it in use",
					limitFile, shown, HumanBytes(limit), HumanBytes(used))})
			}
			if len(dir) <= len(top) {
				break
			}
		}
	}
	return out
}

// cgroupMount finds the mount of the cgroup v2 hierarchy (v2) or of the v1 memory
// controller in mountinfo: the cgroup path it shows as its root, and where it is.
func cgroupMount(mountinfo string, v2 bool) (root, mount string, ok bool) {
	for _, line := range strings.Split(mountinfo, "\n") {
		pre, post, found := strings.Cut(line, " - ")
		if !found {
			continue
		}
		f, g := strings.Fields(pre), strings.Fields(post)
		if len(f) < 5 || len(g) < 3 {
			continue
		}
		switch {
		case v2 && g[0] == "cgroup2",
			!v2 && g[0] == "cgroup" && strings.Contains(","+g[2]+",", ",memory,"):
			return strings.TrimSuffix(f[3], "/"), f[4], true
		}
	}
	return "", "", false
}

// readNumber reads a file holding one integer ("max" is no number).
func readNumber(path string) (int64, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	v, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	return v, err == nil
}

// statField reads "key value" from a cgroup's memory.stat (0 if absent).
func statField(path, key string) int64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, key+" "); ok {
			v, _ := strconv.ParseInt(strings.TrimSpace(rest), 10, 64)
			return v
		}
	}
	return 0
}
