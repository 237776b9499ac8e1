/*
 * html_int.h - shared only by the files of src/html/.
 */
#ifndef PL_HTML_INT_H
#define PL_HTML_INT_H

#include <stddef.h>
#include <stdint.h>

/* Decodes the character reference at s[0..n) ("&eacute;", "&#233;",
 * "&#xE9;"; the ';' is required): returns its length and sets *cp, or
 * returns 0 when s does not start with a reference parley decodes. */
size_t html_entity(const char *s, size_t n, uint32_t *cp);

#endif
