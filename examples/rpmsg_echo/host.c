/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RPMsg echo, host side: creates the shared memory, starts the remote as
 * a separate program (fork + exec of rpmsg_echo_remote, given the socket),
 * passes it the memory, waits for its "echo" announcement and sends
 * messages it expects back.
 *
 * Build: cc host.c $(pkg-config --cflags --libs ampshm) -o rpmsg_echo_host
 * Run:   ./rpmsg_echo_host [path/to/rpmsg_echo_remote]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ampshm/error.h>
#include <ampshm/linux_ipc.h>
#include <ampshm/rpmsg.h>

struct host {
	struct amp_rpmsg_endpoint ept;
	int bound;
	char reply[64];
	int replies;
};

static int on_reply(struct amp_rpmsg_endpoint *ept, void *data, size_t len,
		    uint32_t src, void *priv)
{
	struct host *h = priv;

	if (len >= sizeof(h->reply))
		len = sizeof(h->reply) - 1;
	memcpy(h->reply, data, len);
	h->reply[len] = '\0';
	h->replies++;
	return 0;
}

static void on_announce(struct amp_rpmsg_dev *rdev, const char *name,
			uint32_t dest, void *priv)
{
	struct host *h = priv;

	if (!strcmp(name, "echo") &&
	    !amp_rpmsg_create_ept(&h->ept, rdev, name, AMP_RPMSG_ADDR_ANY, dest,
				  on_reply, NULL, h))
		h->bound = 1;
}

int main(int argc, char **argv)
{
	const char *remote = argc > 1 ? argv[1] : "./rpmsg_echo_remote";
	struct amp_linux_ipc *ipc;
	struct amp_rpmsg_dev rdev;
	struct host h = { 0 };
	char arg[16];
	int sv[2], status, bad = 0;
	pid_t pid;

	if (amp_linux_ipc_host_create(NULL, &ipc) ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) {
		fprintf(stderr, "host: set-up failed: %s\n", amp_last_error());
		return 1;
	}
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		snprintf(arg, sizeof(arg), "%d", sv[1]);
		execl(remote, remote, arg, (char *)NULL);
		perror(remote);
		_exit(127);
	}
	close(sv[1]);
	if (amp_linux_ipc_send_fd(sv[0], amp_linux_ipc_memfd(ipc)) ||
	    amp_linux_ipc_rpmsg_start(ipc, &rdev, 0)) {
		fprintf(stderr, "host: start failed: %s\n", amp_last_error());
		return 1;
	}
	amp_rpmsg_set_ns_bind_cb(&rdev, on_announce, &h);
	while (!h.bound)
		if (amp_rpmsg_poll(&rdev, 5000000) < 0) {
			fprintf(stderr, "host: no announcement\n");
			return 1;
		}
	for (int i = 0; i < 3; i++) {
		char msg[32];
		int want = h.replies + 1;

		snprintf(msg, sizeof(msg), "hello %d", i);
		if (amp_rpmsg_send(&h.ept, msg, strlen(msg)) < 0)
			return 1;
		while (h.replies < want)
			if (amp_rpmsg_poll(&rdev, 5000000) < 0)
				return 1;
		printf("sent \"%s\", got \"%s\"\n", msg, h.reply);
		bad += strcmp(msg, h.reply) != 0;
	}
	amp_rpmsg_send(&h.ept, "bye", 3);
	waitpid(pid, &status, 0);
	amp_rpmsg_deinit(&rdev);
	amp_linux_ipc_destroy(ipc);
	bad += !WIFEXITED(status) || WEXITSTATUS(status);
	puts(bad ? "rpmsg_echo: FAILED" : "rpmsg_echo: ok");
	return bad != 0;
}
