/* The reason label of each drop counter (drop_reasons.h). */
#include "drop_reasons.h"

#define PUB DROP_ON_PUBLISHER
#define TAB DROP_ON_TABLE

const struct drop_reason drop_reasons[COUNTER_COUNT] = {
	[COUNTER_lost_kernel] = {"kernel_lost", PUB},
	[COUNTER_lost_enobufs] = {"enobufs", PUB},
	/* Publishers skip records they cannot parse; socket_events skips
	 * events it cannot make a row of. */
	[COUNTER_drop_malformed] = {"malformed", PUB | TAB},
	[COUNTER_drop_incomplete] = {"incomplete", PUB},
	[COUNTER_drop_queue_full] = {"queue_full", TAB},
	[COUNTER_drop_write_error] = {"write_error", TAB},
	[COUNTER_expired] = {"expired", TAB},
	[COUNTER_evicted] = {"evicted", TAB},
	[COUNTER_evicted_unread] = {"evicted_unread", TAB},
	[COUNTER_filtered_family] = {"filtered_family", PUB},
	[COUNTER_filtered_port] = {"filtered_port", PUB},
	[COUNTER_filtered_unix_path] = {"filtered_unix_path", PUB},
	[COUNTER_filtered_process] = {"filtered_process", PUB},
	[COUNTER_filtered_exec_path] = {"filtered_exec_path", PUB},
	[COUNTER_filtered_dedup] = {"filtered_dedup", PUB},
	[COUNTER_lost_ringbuf] = {"ringbuf", PUB},
	[COUNTER_lost_bpf_missed] = {"bpf_missed", PUB},
	[COUNTER_lost_pending] = {"bpf_pending", PUB},
	[COUNTER_lost_bpf_busy] = {"bpf_busy", PUB},
	/* The BPF exec publisher drops threads in the kernel; process_events
	 * drops the audit source's. */
	[COUNTER_filtered_thread] = {"filtered_thread", PUB | TAB},
	/* Only shipping loggers drop lines for their size. */
	[COUNTER_drop_too_large] = {"too_large", DROP_ON_LOGGER},
};
