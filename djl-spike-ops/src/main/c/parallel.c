/* See parallel.h. */
#define _GNU_SOURCE
#include "parallel.h"

#include <dlfcn.h>
#include <link.h>
#include <limits.h>
#include <pthread.h>
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
