/*
 * cachefile.h - parley's on-disk caches of data compiled from Debian's files
 * (transfer rules: transfer/trx_cache.c; transducer images: fst/fst_image.c).
 *
 * Directory: $PARLEY_CACHE_DIR, else $XDG_CACHE_HOME/parley, else
 * ~/.cache/parley.  Files are named by a 64-bit key (a hash of the sources
 * they were made from) and an extension, and are written whole to a
 * temporary file that is then renamed into place, so a reader never sees a
 * half-written file and concurrent writers of the same key do no harm.
 * Every reader still checks everything it reads: a cache file is input.
 */
#ifndef PL_CACHEFILE_H
#define PL_CACHEFILE_H

#include <stddef.h>
#include <stdint.h>

/* The path of the cache file for `key` with extension `ext` (malloc'd), or
 * NULL when there is no cache: the environment variable `off_var` is set
 * (and not "0"), no directory is known, or make_dir could not create it. */
char *pl_cache_path(const char *off_var, uint64_t key, const char *ext, int make_dir);

/* Writes p[0..n) as the file `path` (temporary file, then rename); failures
 * are silent: the cache is only a cache. */
void pl_cache_write(const char *path, const void *p, size_t n);

#endif
