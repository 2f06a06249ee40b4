/*
 * A fake librocm_smi64.so for hwprobe's tests: the ROCm SMI entry points hwprobe calls.
 *   -DFAKE_GPUS=n      number of GPUs (0, 1, 2); GPU 1 has no power sensor
 *   -DFAKE_INIT_FAIL   rsmi_init returns RSMI_STATUS_INIT_ERROR
 *   -DFAKE_OLD         no rsmi_dev_busy_percent_get or rsmi_dev_pci_id_get
 */
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#ifndef FAKE_GPUS
#define FAKE_GPUS 1
#endif

typedef int rsmi_status_t;
#define RSMI_STATUS_SUCCESS 0
#define RSMI_STATUS_INVALID_ARGS 1
#define RSMI_STATUS_NOT_SUPPORTED 2
#define RSMI_STATUS_INIT_ERROR 8

static int initialized;
static const char *names[2] = {"Navi 31 [Radeon RX 7900 XTX]", "Aldebaran/MI200 [Instinct MI210]"};
static const uint64_t totals[2] = {24ULL << 30, 64ULL << 30};
static const uint64_t used[2] = {2ULL << 30, 0};

rsmi_status_t rsmi_init(uint64_t flags) {
#ifdef FAKE_INIT_FAIL
	return RSMI_STATUS_INIT_ERROR;
#else
	(void)flags;
	initialized = 1;
	return RSMI_STATUS_SUCCESS;
#endif
}
rsmi_status_t rsmi_shut_down(void) { initialized = 0; return RSMI_STATUS_SUCCESS; }
rsmi_status_t rsmi_num_monitor_devices(uint32_t *n) { if (!initialized) return RSMI_STATUS_INIT_ERROR; *n = FAKE_GPUS; return RSMI_STATUS_SUCCESS; }

#define CHECK(i) do { if (!initialized) return RSMI_STATUS_INIT_ERROR; if ((i) >= FAKE_GPUS) return RSMI_STATUS_INVALID_ARGS; } while (0)

rsmi_status_t rsmi_dev_name_get(uint32_t i, char *buf, size_t n) {
	CHECK(i);
	if (strlen(names[i]) + 1 > n) return RSMI_STATUS_INVALID_ARGS;
	strcpy(buf, names[i]);
	return RSMI_STATUS_SUCCESS;
}
rsmi_status_t rsmi_dev_memory_total_get(uint32_t i, int type, uint64_t *v) { CHECK(i); if (type != 0) return RSMI_STATUS_INVALID_ARGS; *v = totals[i]; return RSMI_STATUS_SUCCESS; }
rsmi_status_t rsmi_dev_memory_usage_get(uint32_t i, int type, uint64_t *v) { CHECK(i); if (type != 0) return RSMI_STATUS_INVALID_ARGS; *v = used[i]; return RSMI_STATUS_SUCCESS; }
rsmi_status_t rsmi_dev_power_ave_get(uint32_t i, uint32_t sensor, uint64_t *uw) {
	CHECK(i);
	if (i == 1 || sensor != 0) return RSMI_STATUS_NOT_SUPPORTED;
	*uw = 87000000;
	return RSMI_STATUS_SUCCESS;
}
#ifndef FAKE_OLD
rsmi_status_t rsmi_dev_busy_percent_get(uint32_t i, uint32_t *p) { CHECK(i); *p = 12; return RSMI_STATUS_SUCCESS; }
rsmi_status_t rsmi_dev_pci_id_get(uint32_t i, uint64_t *bdf) { CHECK(i); *bdf = (0ULL << 32) | (0x03 << 8) | (0 << 3) | 0; return RSMI_STATUS_SUCCESS; }
#endif
