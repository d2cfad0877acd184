/*
 * uring_compat.h — the mock uses the driver's liburing 2.3 compatibility
 * header (lib/io/uring_compat.h) under its historical names.
 */
#ifndef MOCK_URING_COMPAT_H
#define MOCK_URING_COMPAT_H

#include "../../lib/io/uring_compat.h"

#define mock_setup_buf_ring ucql__setup_buf_ring
#define mock_free_buf_ring ucql__free_buf_ring

#endif
