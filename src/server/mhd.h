/*
 * mhd.h - libmicrohttpd, loaded when the server starts instead of linked.
 *
 * Why: libmicrohttpd brings in gnutls and nine more libraries, whose
 * loading and initialisation cost every parley process about 1 ms of CPU
 * (measured: an empty program linked with -lmicrohttpd takes 1.6 ms, one
 * without it 0.6 ms).  Only `parley serve` needs it, so the other commands
 * (one `parley stage` per pipeline step in the benchmarks, one-word
 * translations) should not pay for it.  The header's types and constants
 * are used as usual; the ten functions the server calls go through this
 * table.
 */
#ifndef PL_MHD_H
#define PL_MHD_H

#include <microhttpd.h>
#include <stddef.h>

typedef struct mhd_api {
  struct MHD_Daemon *(*start_daemon)(unsigned int flags, uint16_t port, MHD_AcceptPolicyCallback apc, void *apc_cls,
                                     MHD_AccessHandlerCallback dh, void *dh_cls, ...);
  void (*stop_daemon)(struct MHD_Daemon *d);
  MHD_socket (*quiesce_daemon)(struct MHD_Daemon *d);
  const union MHD_DaemonInfo *(*get_daemon_info)(struct MHD_Daemon *d, enum MHD_DaemonInfoType type, ...);
  struct MHD_Response *(*create_response_from_buffer)(size_t size, void *buffer, enum MHD_ResponseMemoryMode mode);
  enum MHD_Result (*add_response_header)(struct MHD_Response *r, const char *header, const char *content);
  void (*destroy_response)(struct MHD_Response *r);
  enum MHD_Result (*queue_response)(struct MHD_Connection *c, unsigned int status, struct MHD_Response *r);
  const char *(*lookup_connection_value)(struct MHD_Connection *c, enum MHD_ValueKind kind, const char *key);
  int (*get_connection_values_n)(struct MHD_Connection *c, enum MHD_ValueKind kind, MHD_KeyValueIteratorN it,
                                 void *it_cls);
} mhd_api;

/* Loads libmicrohttpd once (thread-safe); NULL with a message in err[n] if
 * it cannot be loaded or lacks a function. */
const mhd_api *mhd_load(char *err, size_t n);

#endif
