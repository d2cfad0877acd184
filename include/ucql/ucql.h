/*
 * ucql/ucql.h — includes every public ucql header.
 *
 * The codec (pure functions over caller buffers, usable from any thread):
 *   common.h     version, byte views, the error table
 *   wire.h       protocol constants and primitives (reader / writer)
 *   frame.h      frame (envelope) header, body sections, v4 compression
 *   request.h    client → server messages
 *   response.h   READY, AUTHENTICATE, SUPPORTED, AUTH_CHALLENGE/SUCCESS
 *   result.h     RESULT (rows with metadata, prepared, …)
 *   event.h      EVENT and schema changes
 *   error_msg.h  ERROR with every code's details
 *   message.h    any message, decoded by opcode
 *   types.h      CQL types and values
 *   segment.h    v5 segments, CRC24/CRC32, lz4
 *   token.h      Murmur3 partitioner tokens
 * docs/CODEC.md is the guide.
 *
 * The driver:
 *   config.h     settings (docs/CONFIGURATION.md), log callback, authenticator
 *   metrics.h    counters and latency histograms
 *   statement.h  statements, bound values, batches, prepared statements
 *   resultset.h  results: rows as views, errors with details, paging
 *   future.h     futures (wait, timed wait, poll, callback)
 *   session.h    sessions, shards (threaded / embedded), executing
 * docs/API.md is the guide.
 */
#ifndef UCQL_UCQL_H
#define UCQL_UCQL_H

#include "common.h"
#include "wire.h"
#include "frame.h"
#include "request.h"
#include "response.h"
#include "result.h"
#include "event.h"
#include "error_msg.h"
#include "message.h"
#include "types.h"
#include "segment.h"
#include "token.h"
/* The driver: */
#include "config.h"
#include "metrics.h"
#include "statement.h"
#include "resultset.h"
#include "future.h"
#include "session.h"

#endif
