/*
 * mhd.c - libmicrohttpd through dlopen (see mhd.h for why).
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#include "mhd.h"

static mhd_api api;
static const mhd_api *loaded;
static char load_err[256];
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* The names are resolved in the order of the struct's members. */
static const char *const names[] = {
    "MHD_start_daemon",           "MHD_stop_daemon",        "MHD_quiesce_daemon",
    "MHD_get_daemon_info",        "MHD_create_response_from_buffer",
    "MHD_add_response_header",    "MHD_destroy_response",   "MHD_queue_response",
    "MHD_lookup_connection_value", "MHD_get_connection_values_n",
};

static int resolve(void *h, const char *name, void **slot) {
  dlerror();
  *slot = dlsym(h, name);
  if (*slot) return 0;
  snprintf(load_err, sizeof load_err, "libmicrohttpd has no %s", name);
  return -1;
}

static void load_once(void) {
  /* The soname the build's header belongs to (libmicrohttpd12 in Debian 12),
   * then the development symlink. */
  static const char *const files[] = {"libmicrohttpd.so.12", "libmicrohttpd.so"};
  void *h = NULL;
  for (size_t i = 0; i < sizeof files / sizeof *files && !h; i++) h = dlopen(files[i], RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char *why = dlerror();
    snprintf(load_err, sizeof load_err, "cannot load libmicrohttpd (%s); install libmicrohttpd12",
             why ? why : "not found");
    return;
  }
  void **slots[] = {
      (void **)&api.start_daemon,        (void **)&api.stop_daemon,
      (void **)&api.quiesce_daemon,      (void **)&api.get_daemon_info,
      (void **)&api.create_response_from_buffer, (void **)&api.add_response_header,
      (void **)&api.destroy_response,    (void **)&api.queue_response,
      (void **)&api.lookup_connection_value, (void **)&api.get_connection_values_n,
  };
  _Static_assert(sizeof slots / sizeof *slots == sizeof names / sizeof *names, "one name per slot");
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    if (resolve(h, names[i], slots[i])) return;
  loaded = &api;
}

const mhd_api *mhd_load(char *err, size_t n) {
  pthread_once(&once, load_once);
  if (!loaded && n) snprintf(err, n, "%s", load_err);
  return loaded;
}
