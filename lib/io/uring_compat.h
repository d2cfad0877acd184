/*
 * uring_compat.h — what Debian 12's liburing 2.3 lacks, in one place
 * (../shared/notes/iouring.md). The kernel (6.x) has all of it; only the
 * userspace helpers and constants are missing. Shared by the driver's
 * shards and ucql-mock's loop.
 */
#ifndef UCQL_IO_URING_COMPAT_H
#define UCQL_IO_URING_COMPAT_H

#include <errno.h>
#include <liburing.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#ifndef IORING_SETUP_COOP_TASKRUN
#define IORING_SETUP_COOP_TASKRUN (1U << 8)
#endif
#ifndef IORING_SETUP_SINGLE_ISSUER
#define IORING_SETUP_SINGLE_ISSUER (1U << 12)
#endif
#ifndef IORING_SETUP_DEFER_TASKRUN
#define IORING_SETUP_DEFER_TASKRUN (1U << 13)
#endif
/* Incrementally consumed provided buffers (kernel 6.12+). Not used yet. */
#ifndef IOU_PBUF_RING_INC
#define IOU_PBUF_RING_INC 2
#endif
#ifndef IORING_CQE_F_BUF_MORE
#define IORING_CQE_F_BUF_MORE (1U << 4)
#endif

/*
 * A ring for one loop thread: SINGLE_ISSUER | DEFER_TASKRUN when
 * single_issuer (completion work runs only when the loop waits, never in
 * interrupts of its thread; other threads must not submit), else — or on
 * a kernel without them — COOP_TASKRUN, then nothing. CQ of cq entries.
 * 0 or -errno.
 */
static inline int ucql__ring_init(struct io_uring *ring, unsigned sq, unsigned cq, int single_issuer)
{
	static const unsigned flag_sets[] = {
		IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_CQSIZE,
		IORING_SETUP_COOP_TASKRUN | IORING_SETUP_CQSIZE,
		IORING_SETUP_CQSIZE,
	};
	int r = -EINVAL;
	for (size_t i = single_issuer ? 0 : 1; i < sizeof flag_sets / sizeof flag_sets[0]; i++) {
		struct io_uring_params p;
		memset(&p, 0, sizeof p);
		p.flags = flag_sets[i];
		p.cq_entries = cq;
		r = io_uring_queue_init_params(sq, ring, &p);
		if (r == 0)
			break;
	}
	return r;
}

/*
 * io_uring_setup_buf_ring (liburing 2.4+): maps and registers a provided
 * buffer ring of `entries` (a power of two) for group `bgid`. Returns the
 * ring, or NULL with *err = -errno. Free with ucql__free_buf_ring.
 */
static inline struct io_uring_buf_ring *ucql__setup_buf_ring(struct io_uring *ring,
							     unsigned entries, int bgid, int *err)
{
	size_t len = (size_t)entries * sizeof(struct io_uring_buf);
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
	if (p == MAP_FAILED) {
		*err = -errno;
		return NULL;
	}
	struct io_uring_buf_reg reg;
	memset(&reg, 0, sizeof reg);
	reg.ring_addr = (unsigned long)p;
	reg.ring_entries = entries;
	reg.bgid = (unsigned short)bgid;
	int r = io_uring_register_buf_ring(ring, &reg, 0);
	if (r < 0) {
		munmap(p, len);
		*err = r;
		return NULL;
	}
	io_uring_buf_ring_init((struct io_uring_buf_ring *)p);
	*err = 0;
	return (struct io_uring_buf_ring *)p;
}

static inline void ucql__free_buf_ring(struct io_uring *ring, struct io_uring_buf_ring *br,
				       unsigned entries, int bgid)
{
	if (!br)
		return;
	io_uring_unregister_buf_ring(ring, bgid);
	munmap(br, (size_t)entries * sizeof(struct io_uring_buf));
}

#endif
