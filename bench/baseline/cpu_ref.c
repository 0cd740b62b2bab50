/*
 * lifgpu's C reference for workload W1: the baseline that `lifgpu bench` runs beside
 * the project's CPU rows. It is embedded in the lifgpu binary (package bench) and
 * compiled at run time with
 *
 *     gcc -O3 -march=native -ffp-contract=off -fopenmp -o cpu_ref cpu_ref.c
 *
 * Usage: OMP_NUM_THREADS=T ./cpu_ref N STEPS [step|blocked]
 *
 *   step     every step sweeps all N neurons (each thread its own contiguous share,
 *            a barrier between steps): the state streams through memory once a step,
 *            as a one-step-per-launch kernel or Forward once a step must do.
 *   blocked  each thread takes blocks of BLOCK neurons and runs all STEPS on a block
 *            while it sits in L1: the compute ceiling of this update. Valid only here,
 *            where neurons are uncoupled and the input is constant.
 *
 * Workload W1 (bench/doc.go): dt = 0.1 ms, tau_m = 10 ms, R = 1, u_rest = u_reset =
 * -70 mV, u_th = -50 mV, t_ref = 2 ms (20 steps), u0 = u_rest, bias
 * I_i = float32(15 + 30*i/N) computed in double, left to right, as bench.W1 does.
 *
 * One step of neuron i, in float32, exactly the design contract's operations:
 *
 *     if ref > 0: ref = ref - 1                       (held at u_reset, no spike)
 *     else:       d = u - u_rest; e = R*I; f = d - e; g = alpha*f; u = u - g
 *                 if u >= u_th: spike; u = u_reset; ref = ref_steps
 *
 * e = R*I does not change from step to step here, so it is computed once (R = 1 makes
 * it I itself, bit for bit). -ffp-contract=off keeps gcc from fusing g and u - g into
 * one FMA, so the spikes are those of lifgpu's own backends: 6,670,161 at N = 10^6,
 * 1000 steps.
 *
 * Output: one JSON line with impl, mode, threads, N, steps, seconds, updates_per_s,
 * total_spikes and mean_final_u (the mean of u after the last step).
 */
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALPHA ((float)(0.1 / 10.0)) /* float32(dt / tau_m) */
#define U_REST (-70.0f)
#define U_RESET (-70.0f)
#define U_TH (-50.0f)
#define REF_STEPS 20 /* round(t_ref / dt) */
#ifndef BLOCK
#define BLOCK 1024 /* neurons a block in blocked mode: 12 KiB of state, inside L1 */
#endif
#define ALIGN 64 /* bytes; also each thread's share in step mode starts on it */

/* The population: structure of arrays. */
struct pop {
	int64_t n;
	float *u;     /* membrane potential */
	int32_t *ref; /* refractory steps left */
	float *drive; /* e = R*I, constant */
};

/*
 * sweep advances neurons [lo, hi) by one step and returns their spikes (at most
 * hi - lo < 2^31). The new u and ref are computed as selects and stored whatever
 * they are: written as "store only where changed", gcc makes masked stores behind
 * branches, twice as slow.
 */
static int32_t sweep(float *restrict u, int32_t *restrict ref, const float *restrict drive, int64_t lo, int64_t hi)
{
	int32_t spikes = 0;
#pragma omp simd reduction(+ : spikes)
	for (int64_t i = lo; i < hi; i++) {
		float v = u[i];
		int32_t r = ref[i];
		float d = v - U_REST;
		float f = d - drive[i];
		float g = ALPHA * f;
		float w = v - g;
		int live = r <= 0;
		int fire = live & (w >= U_TH);
		float nu = live ? w : v;
		int32_t nr = live ? r : r - 1;
		u[i] = fire ? U_RESET : nu;
		ref[i] = fire ? REF_STEPS : nr;
		spikes += fire;
	}
	return spikes;
}

/* advance runs `steps` steps of neurons [lo, hi) and returns their spikes. */
static int64_t advance(struct pop *p, int64_t lo, int64_t hi, long steps)
{
	int64_t spikes = 0;
	for (long s = 0; s < steps; s++)
		spikes += sweep(p->u, p->ref, p->drive, lo, hi);
	return spikes;
}

/* share gives thread t of nt its contiguous part of [0, n), starting on ALIGN bytes. */
static void share(int64_t n, int t, int nt, int64_t *lo, int64_t *hi)
{
	const int64_t q = ALIGN / sizeof(float);
	int64_t per = ((n + nt - 1) / nt + q - 1) / q * q;
	*lo = (int64_t)t * per < n ? (int64_t)t * per : n;
	*hi = *lo + per < n ? *lo + per : n;
}

static void *array(int64_t n, size_t size)
{
	size_t bytes = ((size_t)n * size + ALIGN - 1) / ALIGN * ALIGN;
	void *a = aligned_alloc(ALIGN, bytes ? bytes : ALIGN);
	if (a == NULL) {
		fprintf(stderr, "cpu_ref: cannot allocate %zu bytes\n", bytes);
		exit(1);
	}
	return a;
}

int main(int argc, char **argv)
{
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: %s N STEPS [step|blocked]\n", argv[0]);
		return 2;
	}
	char *end;
	int64_t n = strtoll(argv[1], &end, 10);
	if (*end != '\0' || n < 1 || n > INT32_MAX) {
		fprintf(stderr, "cpu_ref: N %s: want an integer in 1..2^31-1\n", argv[1]);
		return 2;
	}
	long steps = strtol(argv[2], &end, 10);
	if (*end != '\0' || steps < 0 || steps > 1000000000L) {
		fprintf(stderr, "cpu_ref: STEPS %s: want an integer in 0..10^9\n", argv[2]);
		return 2;
	}
	const char *mode = argc == 4 ? argv[3] : "step";
	int blocked = strcmp(mode, "blocked") == 0;
	if (!blocked && strcmp(mode, "step") != 0) {
		fprintf(stderr, "cpu_ref: mode %s: want step or blocked\n", mode);
		return 2;
	}

	struct pop p = {n, array(n, sizeof(float)), array(n, sizeof(int32_t)), array(n, sizeof(float))};
	int threads = omp_get_max_threads();
	/* Each thread first touches the pages it will sweep in step mode. */
#pragma omp parallel
	{
		int64_t lo, hi;
		share(n, omp_get_thread_num(), omp_get_num_threads(), &lo, &hi);
		for (int64_t i = lo; i < hi; i++) {
			p.u[i] = U_REST;
			p.ref[i] = 0;
			p.drive[i] = 1.0f * (float)(15.0 + 30.0 * (double)i / (double)n);
		}
	}

	int64_t total = 0;
	double t0 = omp_get_wtime();
	if (blocked) {
		int64_t blocks = (n + BLOCK - 1) / BLOCK;
#pragma omp parallel for schedule(static) reduction(+ : total)
		for (int64_t b = 0; b < blocks; b++) {
			int64_t hi = (b + 1) * BLOCK < n ? (b + 1) * BLOCK : n;
			total += advance(&p, b * BLOCK, hi, steps);
		}
	} else {
#pragma omp parallel reduction(+ : total)
		{
			int64_t lo, hi;
			share(n, omp_get_thread_num(), omp_get_num_threads(), &lo, &hi);
			for (long s = 0; s < steps; s++) {
				total += advance(&p, lo, hi, 1);
#pragma omp barrier
			}
		}
	}
	double sec = omp_get_wtime() - t0;

	double sum = 0;
	for (int64_t i = 0; i < n; i++)
		sum += p.u[i];
	printf("{\"impl\": \"lifgpu C reference\", \"mode\": \"%s\", \"threads\": %d, \"N\": %lld, \"steps\": %ld, "
	       "\"seconds\": %.6f, \"updates_per_s\": %.6e, \"total_spikes\": %lld, \"mean_final_u\": %.9g}\n",
	       mode, threads, (long long)n, steps, sec, sec > 0 ? (double)n * (double)steps / sec : 0.0,
	       (long long)total, sum / (double)n);
	free(p.u);
	free(p.ref);
	free(p.drive);
	return 0;
}
