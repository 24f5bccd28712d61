/*
 * Sharing a call out over the OpenMP runtime already loaded in the process (the engine's: PyTorch
 * brings libgomp). Its workers spin waiting for their next region, so they take the work at once,
 * where a pool of our own would fight them for the cores. Without such a runtime every call runs
 * on the calling thread.
 */
#ifndef SPIKELM_PARALLEL_H
#define SPIKELM_PARALLEL_H

#include <stddef.h>

/* Runs fn(data) on `threads` threads (the caller among them) and returns when all are done. */
void sl_parallel(void (*fn)(void *), void *data, int threads);

/* Threads the engine would use on the calling thread (omp_get_max_threads), 1 without a runtime. */
int sl_max_threads(void);

/* Inside sl_parallel: this thread's number and the number of threads. */
int sl_thread_num(void);
int sl_num_threads(void);

/* The runtime's path, or NULL when calls run on the calling thread. */
const char *sl_openmp_path(void);

/* Threads for `work` units when each thread should get at least `grain` of them. */
int sl_threads_for(long work, long grain);

/*
 * A scratch buffer of the calling thread, at least `bytes` long (and never NULL for 0 bytes) and
 * 64-byte aligned, kept for the thread's next call and freed when the thread ends (threads come
 * and go: a caller's executor, the runtime's workers). One buffer per slot: a slot's buffer is
 * valid until the same thread asks for that slot again, so buffers alive at the same time on one
 * thread need distinct slots (sl_linear's ROWS, filled by the caller and read by every thread of
 * the call, while each thread packs its PANELS). NULL without memory or for an unknown slot.
 */
enum { SL_SCRATCH_PANELS = 0, SL_SCRATCH_ROWS = 1, SL_SCRATCH_ATTENTION = 2, SL_SCRATCH_SPIKES = 3, SL_SCRATCH_EVENTS = 4, SL_SCRATCH_SLOTS = 5 };
void *sl_scratch(int slot, size_t bytes);

#endif
