/* See parallel.h. */
#define _GNU_SOURCE
#include "parallel.h"

#include <dlfcn.h>
#include <link.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static struct {
    void (*parallel)(void (*)(void *), void *, unsigned, unsigned); /* GOMP_parallel: what #pragma omp parallel calls */
    int (*max_threads)(void);
    int (*thread_num)(void);
    int (*num_threads)(void);
    char path[PATH_MAX];
} omp;
static pthread_once_t omp_once = PTHREAD_ONCE_INIT;

static int find_openmp(struct dl_phdr_info *info, size_t size, void *found) {
    (void) size;
    const char *slash = strrchr(info->dlpi_name, '/');
    const char *base = slash ? slash + 1 : info->dlpi_name;
    if (strncmp(base, "libgomp", 7) != 0 && strncmp(base, "libiomp", 7) != 0 && strncmp(base, "libomp", 6) != 0) {
        return 0;
    }
    strncpy(found, info->dlpi_name, PATH_MAX - 1);
    return 1;
}

static void resolve_openmp(void) {
    char path[PATH_MAX] = {0};
    if (!dl_iterate_phdr(find_openmp, path)) {
        return;
    }
    void *lib = dlopen(path, RTLD_NOW | RTLD_NOLOAD); /* the loaded copy, never a second one */
    if (lib == NULL) {
        return;
    }
    *(void **) &omp.max_threads = dlsym(lib, "omp_get_max_threads");
    *(void **) &omp.thread_num = dlsym(lib, "omp_get_thread_num");
    *(void **) &omp.num_threads = dlsym(lib, "omp_get_num_threads");
    *(void **) &omp.parallel = dlsym(lib, "GOMP_parallel");
    if (omp.max_threads && omp.thread_num && omp.num_threads && omp.parallel) {
        memcpy(omp.path, path, sizeof path);
    } else {
        omp.parallel = NULL;
    }
}

static void resolve(void) {
    pthread_once(&omp_once, resolve_openmp);
}

void sl_parallel(void (*fn)(void *), void *data, int threads) {
    resolve();
    if (threads > 1 && omp.parallel != NULL) {
        omp.parallel(fn, data, (unsigned) threads, 0);
    } else {
        fn(data);
    }
}

int sl_max_threads(void) {
    resolve();
    return omp.parallel != NULL ? omp.max_threads() : 1;
}

int sl_thread_num(void) {
    return omp.parallel != NULL ? omp.thread_num() : 0;
}

int sl_num_threads(void) {
    return omp.parallel != NULL ? omp.num_threads() : 1;
}

const char *sl_openmp_path(void) {
    resolve();
    return omp.parallel != NULL ? omp.path : NULL;
}

int sl_threads_for(long work, long grain) {
    long tasks = (work + grain - 1) / grain;
    long threads = sl_max_threads();
    if (tasks < 1) return 1;
    return (int) (tasks < threads ? tasks : threads);
}

struct scratch {
    void *buffer[SL_SCRATCH_SLOTS];
    size_t capacity[SL_SCRATCH_SLOTS];
};
static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static int scratch_ready;

static void scratch_free(void *data) {
    struct scratch *s = data;
    for (int i = 0; i < SL_SCRATCH_SLOTS; i++) free(s->buffer[i]);
    free(s);
}

static void scratch_init(void) {
    scratch_ready = pthread_key_create(&scratch_key, scratch_free) == 0;
}

/*
 * When the library is unloaded (System.load'ed, its class loader collected), threads that outlive
 * it must not call its destructor at their end: the key goes first (their buffers are then lost,
 * once; no crash).
 */
__attribute__((destructor)) static void scratch_unload(void) {
    if (scratch_ready) pthread_key_delete(scratch_key);
}

void *sl_scratch(int slot, size_t bytes) {
    pthread_once(&scratch_once, scratch_init);
    if (!scratch_ready || slot < 0 || slot >= SL_SCRATCH_SLOTS || bytes > SIZE_MAX - 64) return NULL;
    if (bytes == 0) bytes = 1; /* an empty call still gets a buffer: NULL means no memory */
    struct scratch *s = pthread_getspecific(scratch_key);
    if (s == NULL) {
        s = calloc(1, sizeof *s);
        if (s == NULL || pthread_setspecific(scratch_key, s) != 0) {
            free(s);
            return NULL;
        }
    }
    if (bytes > s->capacity[slot]) {
        free(s->buffer[slot]);
        s->buffer[slot] = aligned_alloc(64, (bytes + 63) / 64 * 64);
        s->capacity[slot] = s->buffer[slot] != NULL ? bytes : 0;
    }
    return s->buffer[slot];
}
