/*
 * A fake libnvidia-ml.so.1 for hwprobe's tests: the NVML entry points hwprobe calls, with
 * canned answers, so the purego loading path runs for real through dlopen.
 *
 * Build variants (the test compiles each into its own folder):
 *   -DFAKE_GPUS=n      number of GPUs (0, 1, 2); GPU 1 answers some queries with errors
 *   -DFAKE_INIT_FAIL   nvmlInit_v2 returns NVML_ERROR_DRIVER_NOT_LOADED
 *   -DFAKE_COUNT_ERR   nvmlDeviceGetCount_v2 returns NVML_ERROR_UNKNOWN
 *   -DFAKE_OLD         an old driver: no _v2 symbols, no memory-info v2, no bus width,
 *                      no compute capability, no enforced power limit
 */
#include <string.h>
#include <stdint.h>

#ifndef FAKE_GPUS
#define FAKE_GPUS 1
#endif

typedef int nvmlReturn_t;
typedef struct fake_device *nvmlDevice_t;
typedef struct { unsigned long long total, free, used; } nvmlMemory_t;
typedef struct { unsigned int version; unsigned long long total, reserved, free, used; } nvmlMemory_v2_t;
typedef struct { unsigned int gpu, memory; } nvmlUtilization_t;

#define NVML_SUCCESS 0
#define NVML_ERROR_UNINITIALIZED 1
#define NVML_ERROR_INVALID_ARGUMENT 2
#define NVML_ERROR_NOT_SUPPORTED 3
#define NVML_ERROR_NO_PERMISSION 4
#define NVML_ERROR_DRIVER_NOT_LOADED 9
#define NVML_ERROR_ARGUMENT_VERSION_MISMATCH 25
#define NVML_ERROR_UNKNOWN 999
#define NVML_MEMORY_V2 ((unsigned int)(sizeof(nvmlMemory_v2_t) | (2 << 24)))

struct fake_device {
	int index;
	const char *name, *uuid;
	unsigned long long total, used;
	int major, minor;
	unsigned int bus, memclock, gen, width, mw, limit_mw, temp, util;
};

static struct fake_device devices[2] = {
	{0, "NVIDIA GeForce RTX 4090", "GPU-00000000-1111-2222-3333-444444444444", 24ULL << 30, 1ULL << 30, 8, 9, 384, 10501, 4, 16, 35500, 450000, 41, 3},
	{1, "NVIDIA RTX A2000", "GPU-55555555-6666-7777-8888-999999999999", 6ULL << 30, 0, 8, 6, 192, 6001, 3, 8, 0, 70000, 0, 0},
};

static int initialized;

static nvmlReturn_t do_init(void) {
#ifdef FAKE_INIT_FAIL
	return NVML_ERROR_DRIVER_NOT_LOADED;
#else
	initialized = 1;
	return NVML_SUCCESS;
#endif
}

static nvmlReturn_t copy_string(const char *s, char *buf, unsigned int n) {
	if (!buf || n == 0 || strlen(s) + 1 > n) return NVML_ERROR_INVALID_ARGUMENT;
	strcpy(buf, s);
	return NVML_SUCCESS;
}

#define CHECK_DEV(d) do { if (!initialized) return NVML_ERROR_UNINITIALIZED; if (!(d)) return NVML_ERROR_INVALID_ARGUMENT; } while (0)

nvmlReturn_t nvmlShutdown(void) { initialized = 0; return NVML_SUCCESS; }

nvmlReturn_t nvmlSystemGetDriverVersion(char *buf, unsigned int n) { return copy_string("550.54.15", buf, n); }

static nvmlReturn_t do_count(unsigned int *n) {
	if (!initialized) return NVML_ERROR_UNINITIALIZED;
#ifdef FAKE_COUNT_ERR
	return NVML_ERROR_UNKNOWN;
#else
	*n = FAKE_GPUS;
	return NVML_SUCCESS;
#endif
}

static nvmlReturn_t do_handle(unsigned int i, nvmlDevice_t *d) {
	if (!initialized) return NVML_ERROR_UNINITIALIZED;
	if (i >= FAKE_GPUS) return NVML_ERROR_INVALID_ARGUMENT;
	*d = &devices[i];
	return NVML_SUCCESS;
}

#ifdef FAKE_OLD
nvmlReturn_t nvmlInit(void) { return do_init(); }
nvmlReturn_t nvmlDeviceGetCount(unsigned int *n) { return do_count(n); }
nvmlReturn_t nvmlDeviceGetHandleByIndex(unsigned int i, nvmlDevice_t *d) { return do_handle(i, d); }
nvmlReturn_t nvmlSystemGetCudaDriverVersion(int *v) { *v = 10020; return NVML_SUCCESS; }
nvmlReturn_t nvmlDeviceGetPowerManagementLimit(nvmlDevice_t d, unsigned int *mw) { CHECK_DEV(d); *mw = d->limit_mw; return NVML_SUCCESS; }
#else
nvmlReturn_t nvmlInit_v2(void) { return do_init(); }
nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *n) { return do_count(n); }
nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int i, nvmlDevice_t *d) { return do_handle(i, d); }
nvmlReturn_t nvmlSystemGetCudaDriverVersion_v2(int *v) { *v = 12040; return NVML_SUCCESS; }
nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t d, nvmlMemory_v2_t *m) {
	CHECK_DEV(d);
	if (m->version != NVML_MEMORY_V2) return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
	m->total = d->total; m->reserved = 0; m->used = d->used; m->free = d->total - d->used;
	return NVML_SUCCESS;
}
nvmlReturn_t nvmlDeviceGetCudaComputeCapability(nvmlDevice_t d, int *major, int *minor) { CHECK_DEV(d); *major = d->major; *minor = d->minor; return NVML_SUCCESS; }
nvmlReturn_t nvmlDeviceGetMemoryBusWidth(nvmlDevice_t d, unsigned int *w) {
	CHECK_DEV(d);
	if (d->index == 1) return NVML_ERROR_NOT_SUPPORTED;
	*w = d->bus;
	return NVML_SUCCESS;
}
nvmlReturn_t nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t d, unsigned int *mw) { CHECK_DEV(d); *mw = d->limit_mw; return NVML_SUCCESS; }
#endif

nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t d, char *buf, unsigned int n) { CHECK_DEV(d); return copy_string(d->name, buf, n); }
nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t d, char *buf, unsigned int n) { CHECK_DEV(d); return copy_string(d->uuid, buf, n); }
nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t d, nvmlMemory_t *m) {
	CHECK_DEV(d);
	m->total = d->total; m->used = d->used; m->free = d->total - d->used;
	return NVML_SUCCESS;
}
nvmlReturn_t nvmlDeviceGetMaxClockInfo(nvmlDevice_t d, int type, unsigned int *mhz) {
	CHECK_DEV(d);
	if (type != 2) return NVML_ERROR_INVALID_ARGUMENT; /* only NVML_CLOCK_MEM is faked */
	*mhz = d->memclock;
	return NVML_SUCCESS;
}
nvmlReturn_t nvmlDeviceGetCurrPcieLinkGeneration(nvmlDevice_t d, unsigned int *g) { CHECK_DEV(d); *g = d->gen; return NVML_SUCCESS; }
nvmlReturn_t nvmlDeviceGetCurrPcieLinkWidth(nvmlDevice_t d, unsigned int *w) { CHECK_DEV(d); *w = d->width; return NVML_SUCCESS; }
nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t d, unsigned int *mw) {
	CHECK_DEV(d);
	if (d->index == 1) return NVML_ERROR_NOT_SUPPORTED;
	*mw = d->mw;
	return NVML_SUCCESS;
}
nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t d, int sensor, unsigned int *c) {
	CHECK_DEV(d);
	if (sensor != 0) return NVML_ERROR_INVALID_ARGUMENT;
	if (d->index == 1) return NVML_ERROR_NO_PERMISSION;
	*c = d->temp;
	return NVML_SUCCESS;
}
nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t d, nvmlUtilization_t *u) { CHECK_DEV(d); u->gpu = d->util; u->memory = 1; return NVML_SUCCESS; }
