/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RPMsg echo, remote side (the coprocessor's role, here a Linux process):
 * receives the shared memory over the socket given as argv[1], announces
 * "echo" and sends every message back until "bye".
 *
 * Build: cc remote.c $(pkg-config --cflags --libs ampshm) -o rpmsg_echo_remote
 */
#include <stdlib.h>
#include <string.h>

#include <ampshm/linux_ipc.h>
#include <ampshm/rpmsg.h>

static int quit;

static int on_msg(struct amp_rpmsg_endpoint *ept, void *data, size_t len,
		  uint32_t src, void *priv)
{
	if (len == 3 && !memcmp(data, "bye", 3)) {
		quit = 1;
		return 0;
	}
	amp_rpmsg_sendto(ept, data, len, src);
	return 0;
}

int main(int argc, char **argv)
{
	struct amp_rpmsg_endpoint ept;
	struct amp_linux_ipc *ipc;
	struct amp_rpmsg_dev rdev;
	int fd;

	if (argc < 2 || amp_linux_ipc_recv_fd(atoi(argv[1]), &fd) ||
	    amp_linux_ipc_remote_attach(fd, NULL, &ipc) ||
	    amp_linux_ipc_rpmsg_start(ipc, &rdev, 5000000) ||
	    amp_rpmsg_create_ept(&ept, &rdev, "echo", AMP_RPMSG_ADDR_ANY,
				 AMP_RPMSG_ADDR_ANY, on_msg, NULL, NULL))
		return 1;
	while (!quit)
		if (amp_rpmsg_poll(&rdev, 5000000) < 0)
			return 1;
	amp_rpmsg_deinit(&rdev);
	amp_linux_ipc_destroy(ipc);
	return 0;
}
