package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/batch"
	"github.com/lifgpu/lifgpu/internal/slurm"
)

// checkCluster checks run's flags for shards, devices and replicas, which combine only
// in some ways.
func checkCluster(fs *flag.FlagSet, f *runFlags) error {
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	if f.resume != "" {
		return nil // run -resume refuses them itself
	}
	if set["shard"] {
		sh, err := batch.ParseShard(f.shard)
		if err != nil {
			return fmt.Errorf("-shard: %w", err)
		}
		f.parsedShard = &sh
	}
	switch {
	case set["replicas"] && f.replicas < 1:
		return fmt.Errorf("-replicas %d: want at least 1 copy", f.replicas)
	case set["devices"] && set["shard"]:
		return errors.New("-devices makes one shard a device itself: not with -shard (run each shard with -shard k/m -device K instead)")
	case set["devices"] && set["device"]:
		return errors.New("-devices lists the devices: not with -device")
	case set["devices"] && set["replicas"]:
		return errors.New("-devices and -replicas: run the replicas one at a time, each over the devices (-seed S -devices ...), or as a Slurm array (lifgpu slurm -replicas r)")
	case set["devices"] && f.backend != "" && f.backend != "gpu":
		return fmt.Errorf("-devices runs on GPU devices: not with -backend %s", f.backend)
	}
	return nil
}

// cmdMerge joins the folders of a spec's shards into the files of the whole run.
func cmdMerge(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("merge", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "output folder for the whole run's files")
	force := fs.Bool("f", false, "write into the output folder even if it exists (lifgpu's own files are replaced, no other)")
	logFormat := fs.String("log", "text", "log format on stderr: text or json")
	plotFigs := fs.Bool("plot", false, "also write raster.png, traces.png and rate.png (the whole run's)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: lifgpu merge -o OUT [-f] SHARD_DIR...\n\nJoins the folders of lifgpu run -shard k/m (every k of one m, any order) into the files of the\nwhole run, byte for byte as a run never split (run.json lists the shards).")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if *out == "" {
		fmt.Fprintln(stderr, "lifgpu merge: -o OUT is required: the folder for the merged files")
		return errUsage
	}
	logger, err := newLogger(*logFormat, stderr)
	if err != nil {
		return err
	}
	ctx, stop := interruptible(stderr)
	defer stop()
	res, err := batch.Merge(ctx, batch.MergeJob{Dir: *out, Force: *force, Shards: fs.Args(), Plot: *plotFigs, Logger: logger})
	var exists *batch.ExistsError
	if errors.As(err, &exists) && !exists.NotDir {
		// Not run's hint (-resume has nothing to do with a merge).
		return fmt.Errorf("%v: use -f to replace what lifgpu wrote there, or -o to choose another", err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "shards           %d\n", fs.NArg())
	printSummary(stdout, res, *out)
	return nil
}

// cmdSlurm writes (and with -submit, submits) the Slurm job array of a spec's shards and
// replicas, and the job that merges them.
func cmdSlurm(args []string, stdout, stderr io.Writer) error {
	var f runFlags
	fs := flag.NewFlagSet("slurm", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addSpecFlags(fs, &f)
	fs.StringVar(&f.backend, "backend", "", "auto, cpu or gpu (overrides the spec)")
	fs.StringVar(&f.out, "o", "", "output folder: the scripts go to DIR/slurm, the shards to DIR/shard-K, the merged files to DIR/merged")
	shards := fs.Int("shards", 1, "`m` shards of the population, one array task each")
	replicas := fs.Int("replicas", 1, "`r` independent copies with the seeds seed, seed+1, ... (r*m array tasks)")
	partition := fs.String("partition", "", "Slurm partition (sbatch --partition); default: the cluster's")
	limit := fs.String("time", "", "time limit of each task (sbatch --time, e.g. 2:00:00); default: the partition's")
	gpus := fs.Int("gpus-per-task", 0, "GPUs each task asks for (sbatch --gpus-per-task); 0: none")
	name := fs.String("name", "lifgpu", "job name")
	bin := fs.String("lifgpu", "", "the lifgpu binary the tasks run, as the nodes see it (default: this one)")
	submit := fs.Bool("submit", false, "submit the array and the merge job with sbatch, and print their job ids")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "lifgpu slurm: unexpected argument %q (the spec goes after -config)\n", fs.Arg(0))
		return errUsage
	}
	if f.out == "" {
		fmt.Fprintln(stderr, "lifgpu slurm: -o DIR is required: the folder for the scripts and the runs (on a file system every node sees)")
		return errUsage
	}
	r, err := recipe(fs, &f, "default")
	if err != nil {
		return err
	}
	s, cfg, err := r.Spec()
	if err != nil {
		return err
	}
	switch {
	case *shards < 1:
		return fmt.Errorf("-shards %d: want at least 1", *shards)
	case *replicas < 1:
		return fmt.Errorf("-replicas %d: want at least 1", *replicas)
	case *shards > 1 && cfg.HasNetwork():
		return fmt.Errorf("-shards %d: %w", *shards, lifgpu.ErrNetworkShard)
	case *shards > cfg.N:
		return fmt.Errorf("-shards %d: more shards than the %d neurons; use at most %d", *shards, cfg.N, cfg.N)
	}
	p := slurm.Plan{Shards: *shards, Replicas: *replicas, Seed: s.Seed, Partition: *partition, Time: *limit, GPUsPerTask: *gpus, JobName: *name}
	if p.Lifgpu = *bin; p.Lifgpu == "" {
		if p.Lifgpu, err = os.Executable(); err != nil {
			return fmt.Errorf("finding this program's path: %v; name it with -lifgpu", err)
		}
	}
	if f.config != "" {
		if p.Spec, err = filepath.Abs(f.config); err != nil {
			return err
		}
	}
	if p.Dir, err = filepath.Abs(f.out); err != nil {
		return err
	}
	fs.Visit(func(fl *flag.Flag) {
		switch fl.Name {
		case "n", "steps", "backend", "device":
			p.RunArgs = append(p.RunArgs, "-"+fl.Name, fl.Value.String())
		case "seed":
			p.SetSeed = true
		}
	})
	sc, err := p.Write()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "array            %s (%d tasks: %d shard(s) x %d replica(s))\n", sc.Array, sc.Tasks, p.Shards, p.Replicas)
	if sc.Merge != "" {
		fmt.Fprintf(stdout, "merge            %s (after every task succeeded) into %s\n", sc.Merge, p.MergedDir(0)+plural(p.Replicas > 1, " (each replica's)"))
	}
	if s.CheckpointEvery == 0 {
		fmt.Fprintln(stdout, "note             the spec has no checkpoint_every: a task killed without warning starts again from step 0 (SIGTERM, as Slurm sends before it requeues or preempts, still checkpoints)")
	}
	if !*submit {
		fmt.Fprintf(stdout, "submit with      a=$(sbatch --parsable %s)", sc.Array)
		if sc.Merge != "" {
			fmt.Fprintf(stdout, " && sbatch --dependency=afterok:$a %s", sc.Merge)
		}
		fmt.Fprintln(stdout, "   (or lifgpu slurm ... -submit)")
		return nil
	}
	arr, merge, err := slurm.Submit(context.Background(), "", sc)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "array job        %s\n", arr)
	if merge != "" {
		fmt.Fprintf(stdout, "merge job        %s\n", merge)
	}
	return nil
}

func plural(on bool, s string) string {
	if on {
		return s
	}
	return ""
}
