/* The Kafka results logger (--logger_plugin=kafka_producer): a thread
 * that ships the durable log buffer's lines to Kafka through librdkafka.
 *
 * Lines leave the buffer only when the broker acknowledges them (the
 * delivery report), so delivery is at least once, in the buffer's order
 * per topic; librdkafka retries a broker that is down without a time
 * limit, and with --logger_kafka_acks=all its idempotent producer keeps
 * those retries from duplicating or reordering lines. A full producer
 * queue or a failed delivery makes the thread wait (1 s, doubling up to
 * 60 s) and send what was not confirmed again. The scheduler only
 * appends to the buffer, so nothing here ever waits on the pipeline or
 * makes it wait. */
#pragma once

#include "config/config.h"
#include "core/flags.h"
#include "store/log_buffer.h"

struct kafka_producer;

/* Checks the kafka flags (acks, compression, a topic for every line).
 * Returns 0 or -EINVAL with *err set (free it). */
int kafka_producer_check(const struct sysq_flags *flags, const struct config *cfg, char **err);

/* Starts the thread. `topics` is copied. Returns 0 or -errno with *err
 * set (free it). */
int kafka_producer_start(const struct sysq_flags *flags, struct log_buffer *buf,
			 const struct kafka_topics *topics, struct kafka_producer **ret,
			 char **err);

/* A reloaded config's kafka_topics (copied) for the lines shipped next. */
void kafka_producer_set_topics(struct kafka_producer *k, const struct kafka_topics *topics);

/* Waits up to 2 s for lines the broker has yet to acknowledge, then
 * stops; lines still unconfirmed stay in the buffer for the next run. */
void kafka_producer_stop(struct kafka_producer *k);
