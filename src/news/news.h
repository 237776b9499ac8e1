/*
 * news.h - news mode: the changes parley makes to Apertium's pipeline so
 * that its output can be published (see names.c).
 */
#ifndef PL_NEWS_H
#define PL_NEWS_H

#include "../base/base.h"

/* Keeps proper names as names: runs over a tagged stream (^lemma<tags>$
 * units, as apertium-tagger and apertium-pretransfer write it) and turns a
 * capitalised word that the tagger took for a common word, in the middle of
 * a sentence, into a proper noun (^Word<np><ant><sg>$), which the bilingual
 * dictionary does not translate.  Lines in title case (headlines) are left
 * alone, as are sentence starts and words the dictionaries already know as
 * names ("Japan" keeps its translation). */
int news_names(pl_in *in, pl_out *out, pl_err *e);

#endif
