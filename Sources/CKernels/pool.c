// A small persistent worker pool. Decoding one token issues ~130 matrix-vector products of a
// few hundred microseconds each, so waking threads must cost microseconds: workers spin briefly
// on a generation counter before sleeping on a condition variable.
//
// The caller never waits for a worker to wake up: chunks are claimed from a shared counter and
// the job is over when every chunk is done, whoever did it. On a busy machine (other processes
// sharing the cores) a descheduled worker therefore costs nothing but its absent help.
#include "ckernels.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#define CK_MAX_THREADS 64
#define CK_SPIN 4000
#define CK_IDLE ((long long)1 << 62)

static struct {
    pthread_mutex_t lock;        // serializes callers of ck_parallel_for
    pthread_mutex_t m;
    pthread_cond_t cv;
    pthread_t th[CK_MAX_THREADS];
    int nthreads;                // including the caller
    atomic_uint gen;
    atomic_int active;           // workers between "entered the job" and "left it"
    atomic_llong next;           // next chunk index (CK_IDLE while a job is being set up)
    atomic_llong done;           // chunks finished
    int64_t n, chunks;
    ck_range_fn fn;
    void *ctx;
    int stop;
} P = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER};

static _Thread_local int in_task = 0;
static _Thread_local int thread_index = 0;

int ck_thread_index(void) { return thread_index; }
int ck_in_task(void) { return in_task; }

static void run_chunks(void) {
    for (;;) {
        long long c = atomic_fetch_add(&P.next, 1);
        if (c >= P.chunks) break;
        int64_t i0 = P.n * c / P.chunks, i1 = P.n * (c + 1) / P.chunks;
        if (i1 > i0) P.fn(P.ctx, i0, i1);
        atomic_fetch_add(&P.done, 1);
    }
}

static void *worker(void *arg) {
    thread_index = (int)(intptr_t)arg;
    in_task = 1;
    unsigned seen = atomic_load(&P.gen);
    for (;;) {
        int spins = 0;
        while (atomic_load(&P.gen) == seen && spins < CK_SPIN) {
            spins++;
            if ((spins & 63) == 0) sched_yield();
        }
        if (atomic_load(&P.gen) == seen) {
            pthread_mutex_lock(&P.m);
            while (atomic_load(&P.gen) == seen && !P.stop) pthread_cond_wait(&P.cv, &P.m);
            pthread_mutex_unlock(&P.m);
        }
        if (P.stop) return 0;
        seen = atomic_load(&P.gen);
        atomic_fetch_add(&P.active, 1);
        run_chunks();
        atomic_fetch_sub(&P.active, 1);
    }
}

static void stop_workers(void) {
    pthread_mutex_lock(&P.m);
    P.stop = 1;
    pthread_cond_broadcast(&P.cv);
    pthread_mutex_unlock(&P.m);
    for (int i = 1; i < P.nthreads; i++) pthread_join(P.th[i], 0);
    P.stop = 0;
    P.nthreads = 1;
}

void ck_set_threads(int n) {
    if (n < 1) n = 1;
    if (n > CK_MAX_THREADS) n = CK_MAX_THREADS;
    pthread_mutex_lock(&P.lock);
    if (P.nthreads == 0) {
        P.nthreads = 1;
        atomic_store(&P.next, CK_IDLE);
    }
    if (n != P.nthreads) {
        stop_workers();
        for (int i = 1; i < n; i++) {
            if (pthread_create(&P.th[i], 0, worker, (void *)(intptr_t)i) != 0) break;
            P.nthreads = i + 1;
        }
    }
    pthread_mutex_unlock(&P.lock);
}

int ck_get_threads(void) { return P.nthreads < 1 ? 1 : P.nthreads; }

void ck_parallel_for(int64_t n, int64_t chunks, ck_range_fn fn, void *ctx) {
    if (n <= 0) return;
    if (chunks < 1) chunks = 1;
    if (chunks > n) chunks = n;
    if (in_task || chunks == 1 || P.nthreads <= 1 || pthread_mutex_trylock(&P.lock) != 0) {
        fn(ctx, 0, n);
        return;
    }
    // Close the previous job to late workers, wait for those still inside it, then publish.
    atomic_store(&P.next, CK_IDLE);
    while (atomic_load(&P.active) > 0) sched_yield();
    P.n = n;
    P.chunks = chunks;
    P.fn = fn;
    P.ctx = ctx;
    atomic_store(&P.done, 0);
    atomic_store(&P.next, 0);
    atomic_fetch_add(&P.gen, 1);
    pthread_mutex_lock(&P.m);
    pthread_cond_broadcast(&P.cv);
    pthread_mutex_unlock(&P.m);
    in_task = 1;
    run_chunks();
    in_task = 0;
    int spins = 0;
    while (atomic_load(&P.done) < chunks)
        if ((++spins & 63) == 0) sched_yield();
    pthread_mutex_unlock(&P.lock);
}
