/* A Kafka cluster for the Kafka logger's test: librdkafka's in-process
 * mock cluster with one broker, reachable over TCP by sysq and kcat.
 *
 *   sysq-test-kafka TOPIC...
 *
 * Creates each topic with one partition (so a consumer sees one order),
 * prints the bootstrap address on the first line of stdout, then reads
 * commands on stdin, one per line, and answers "ok" to each:
 *   down   the broker stops answering (its connections are closed)
 *   up     the broker answers again
 * End of input stops the cluster. */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <stdio.h>
#include <string.h>

#define BROKER_ID 1

static rd_kafka_t *make_handle(void)
{
	char errstr[256];
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	rd_kafka_t *rk;

	/* The handle only hosts the cluster: keep it quiet. */
	rd_kafka_conf_set(conf, "log_level", "0", errstr, sizeof(errstr));
	rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
	if (!rk)
		fprintf(stderr, "sysq-test-kafka: %s\n", errstr);
	return rk;
}

static int serve(rd_kafka_mock_cluster_t *mc)
{
	char cmd[64];

	while (fgets(cmd, sizeof(cmd), stdin)) {
		rd_kafka_resp_err_t err;

		cmd[strcspn(cmd, "\n")] = '\0';
		if (strcmp(cmd, "down") == 0) {
			err = rd_kafka_mock_broker_set_down(mc, BROKER_ID);
		} else if (strcmp(cmd, "up") == 0) {
			err = rd_kafka_mock_broker_set_up(mc, BROKER_ID);
		} else {
			printf("error: unknown command %s\n", cmd);
			fflush(stdout);
			continue;
		}
		printf("%s\n", err ? rd_kafka_err2str(err) : "ok");
		fflush(stdout);
	}
	return 0;
}

int main(int argc, char **argv)
{
	rd_kafka_t *rk = make_handle();
	rd_kafka_mock_cluster_t *mc;
	int rc;

	if (!rk)
		return 1;
	mc = rd_kafka_mock_cluster_new(rk, 1);
	if (!mc) {
		fprintf(stderr, "sysq-test-kafka: cannot start the mock cluster\n");
		rd_kafka_destroy(rk);
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(mc, argv[i], 1, 1);

		if (err)
			fprintf(stderr, "sysq-test-kafka: topic %s: %s\n", argv[i],
				rd_kafka_err2str(err));
	}
	printf("%s\n", rd_kafka_mock_cluster_bootstraps(mc));
	fflush(stdout);
	rc = serve(mc);
	rd_kafka_mock_cluster_destroy(mc);
	rd_kafka_destroy(rk);
	return rc;
}
