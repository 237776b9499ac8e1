/*
 * translit.c - lt-proc -p (post-generation), -x (inter-generation) and -t
 * (transliteration): lttoolbox 3.7's FSTProcessor::transliteration.
 *
 * The input is cut into words (maximal runs of non-space, non-'[' text) each
 * preceded by its blank; words wait in a queue and the transducer sees them
 * joined by single spaces, so a rule may span words ("~de el" -> "del").  A
 * match replaces its span, the spanned words merge into one, and scanning
 * resumes at the first changed position.  A word leaves the queue when the
 * scan start passes its end; the spaces inside a merged word are given back
 * the original blanks they replaced.  With -p every '~' is dropped on output.
 *
 * Some paths of the original read past the end of empty queues (undefined
 * behaviour in C++); here an empty queue reads as an empty string.
 */
#include <stdlib.h>
#include <string.h>

#include "fst_proc_int.h"

static int read_translit_blank(struct fst_proc *p) {
  ubuf *b = &p->tl_blank;
  b->len = 0;
  while (!u8in_eof(&p->r)) {
    int32_t c = u8in_get(&p->r);
    if (c != U8IN_EOF && uc_isspace(c)) {
      ubuf_put_cp(b, c);
    } else if (c == '[') {
      if (u8in_peek(&p->r) == '[') break;
      u_readblock(&p->r, '[', ']', &p->tmp);
      ubuf_append(b, p->tmp.p, p->tmp.len);
    } else {
      u8in_unget(&p->r, c);
      break;
    }
  }
  if (b->failed) p->E.failed = 1;
  int got = b->len > 0;
  if (got) uq_push(&p->blanks, b->p, b->len);
  return got;
}

static int32_t read_tag(struct fst_proc *p) {
  u_readblock(&p->r, '<', '>', &p->tmp);
  return fst_tag_find(p->f, p->tmp.p, p->tmp.len);
}

/* One character of a word: a backslash takes the next character literally,
 * '<' starts a tag. */
static void push_word_char(struct fst_proc *p, symvec *w, int32_t c) {
  if (c == '\\') i32vec_push(w, u8in_get(&p->r));
  else if (c == '<') i32vec_push(w, read_tag(p));
  else i32vec_push(w, c);
}

/* fst_opts.keep_initials: the replacement `m` of word[sp..mp) and the span
 * agree from their ends, letter for letter but for case, back to the first
 * difference; in that common tail a letter that starts a word in both and
 * is a capital in the span becomes a capital in `m` ("~y Idaho": "y I" ->
 * "e i" -> "e I"). */
static void keep_initials(symvec *m, const symvec *word, size_t sp, size_t mp) {
  if (mp > word->n || sp > mp) return;
  size_t i = 1;
  for (; i <= m->n && i <= mp - sp; i++) {
    int32_t a = m->p[m->n - i], b = word->p[mp - i];
    if (a != b && (a < 0 || b < 0 || uc_tolower(a) != uc_tolower(b))) break;
    int a_start = m->n - i == 0 || m->p[m->n - i - 1] == ' ';
    int b_start = mp - i == 0 || word->p[mp - i - 1] == ' ' || word->p[mp - i - 1] == '~';
    if (a != b && a_start && b_start && uc_isupper(b)) m->p[m->n - i] = b;
  }
}

/* FSTProcessor::readTransliterationWord */
static int read_translit_word(struct fst_proc *p) {
  if (u8in_eof(&p->r) || u8in_peek(&p->r) == 0) return 0;
  if (!read_translit_blank(p)) uq_push(&p->blanks, NULL, 0);
  ubuf *wblank = &p->tl_wblank;
  symvec *word = &p->tl_word;
  wblank->len = 0;
  word->n = 0;
  if (u8in_peek(&p->r) == '[') {
    u8in_get(&p->r);
    u_finish_wblank(&p->r, wblank);
    while (!u8in_eof(&p->r)) {
      if (read_translit_blank(p)) {
        i32vec_push(word, ' ');
        if (u8in_peek(&p->r) == '[') break;
      } else {
        int32_t c = u8in_get(&p->r);
        if (c == U8IN_EOF && u8in_eof(&p->r)) break; /* see below */
        if (c == '[' || c == 0) {
          u8in_unget(&p->r, c);
          break;
        }
        push_word_char(p, word, c);
      }
    }
    if (u8in_peek(&p->r) == '[') {
      u8in_get(&p->r);
      u_finish_wblank(&p->r, &p->tmp);
    }
  } else {
    while (!u8in_eof(&p->r)) {
      int32_t c = u8in_get(&p->r);
      /* Debian appends the end-of-input marker U+FFFF to a word that ends
       * the input; parley does not (DIVERGENCES.md, lt-proc-translit-eof). */
      if (c == U8IN_EOF && u8in_eof(&p->r)) break;
      if ((c != U8IN_EOF && uc_isspace(c)) || c == '[' || c == 0) {
        u8in_unget(&p->r, c);
        break;
      }
      push_word_char(p, word, c);
    }
  }
  if (word->failed) p->E.failed = 1;
  int got = word->n > 0;
  if (got) {
    uq_push(&p->wblanks, wblank->p, wblank->len);
    sd_push_back(&p->tq, word->p, word->n);
  }
  return got;
}

/* Alphabet::tokenize (the const version: an unknown tag becomes -1).  A
 * backslash is skipped but the character after it is read normally. */
static void tokenize(const fst *f, const uint16_t *s, size_t n, symvec *out) {
  out->n = 0;
  size_t i = 0;
  while (i < n) {
    int32_t c = s[i++];
    if (c >= 0xD800 && c < 0xDC00 && i < n && s[i] >= 0xDC00 && s[i] < 0xE000)
      c = 0x10000 + ((c - 0xD800) << 10) + (s[i++] - 0xDC00);
    if (c == '\\') {
    } else if (c == '<') {
      size_t j = i;
      while (c != '>' && j < n) {
        c = s[j++];
        if (c >= 0xD800 && c < 0xDC00 && j < n && s[j] >= 0xDC00 && s[j] < 0xE000)
          c = 0x10000 + ((c - 0xD800) << 10) + (s[j++] - 0xDC00);
      }
      if (c == '>') {
        int32_t sym = fst_tag_find(f, s + i - 1, j - i + 1);
        i32vec_push(out, sym ? sym : -1);
        i = j;
      }
    } else {
      i32vec_push(out, c);
    }
  }
}

static int count_spaces(const int32_t *w, size_t n) {
  int k = 0;
  for (size_t i = 0; i < n; i++)
    if (w[i] == ' ') k++;
  return k;
}

/* StringUtils::merge_wblanks: "[[a]]" + "[[b]]" -> "[[a; b]]" */
static void merge_wblanks(ubuf *a, const ubuf *b) {
  if (!b->len) return;
  if (!a->len) {
    ubuf_copy(a, b);
    return;
  }
  a->len = a->len >= 2 ? a->len - 2 : 0;
  ubuf_put_ascii(a, "; ");
  if (b->len > 2) ubuf_append(a, b->p + 2, b->len - 2);
}

/* Whether stepping from the initial State on `sym` (a symbol below 256)
 * leaves no path, worked out once per symbol and run.  For a typical
 * post-generator (rules that start at '~') it is so for nearly every
 * character, and a scan attempt starting there ends at once. */
static int dies_at_start(struct fst_proc *p, uint8_t memo[256], fstate *scratch, int32_t sym) {
  if (!memo[sym]) {
    proc_reset_state(p, scratch);
    st_step_case_override(&p->E, scratch, sym, p->o.case_sensitive || scratch->n >= FST_MAX_CI_STATE);
    memo[sym] = scratch->n == 0 ? 1 : 2;
    p->E.pool.n = p->pool_base;
  }
  return memo[sym] == 1;
}

int proc_transliteration(struct fst_proc *p) {
  size_t start_pos = 0, cur_word = 0, cur_pos = 0, match_pos = 0;
  fstate cur = {0};
  ubuf last_match = {0}, out = {0}, wb = {0};
  symvec match = {0}, word = {0}, new_word = {0};
  int space_diff = 0;
  /* Rules whose output contains a match of their own input would rewrite
   * the same word for ever (lttoolbox then never ends); parley gives up
   * with an error after this many rewrites of one word. */
  size_t rewrites = 0, first_len = 0;
  int firstupper = 0, uppercase = 0, have_first = 0, have_second = 0;
  proc_reset_state(p, &cur);
  /* The fast path below skips scan attempts that would end at their first
   * symbol: only when an attempt starts at the initial State, which must
   * not be final (else even an empty attempt matches). */
  uint8_t dies[256] = {0};
  fstate scratch = {0};
  int fresh = 1, skip_ok = !st_is_final(&p->E, &cur, p->finals_mask);

  while (!p->E.failed) {
    if (p->tq.n == 0) {
      if (p->blanks.n) proc_flush_blanks(p);
      if (!read_translit_word(p)) {
        proc_flush_blanks(p);
        if (u8in_eof(&p->r)) break;
        int32_t c = u8in_get(&p->r);
        if (c == 0) out_byte(p->out, 0);
        else out_cp(p->out, c);
        pl_out_flush(p->out);
        continue;
      }
    }

    if (st_is_final(&p->E, &cur, p->finals_mask)) {
      last_match.len = 0;
      st_filter_finals(&p->E, &cur, p->finals_mask, uppercase, firstupper, 1, &last_match);
      while (cur_word > 0) {
        if (cur_word == 1) {
          if (cur_pos == 0 && last_match.len && last_match.p[last_match.len - 1] == ' ') {
            match_pos = sd_at(&p->tq, 0)->n;
            last_match.len--;
            break;
          } else {
            cur_pos += sd_at(&p->tq, 0)->n + 1;
          }
        }
        /* merge the first two words (and their word-bound blanks) */
        symvec *w0 = sd_at(&p->tq, 0);
        i32vec_set(&word, w0->p, w0->n);
        sd_pop_front(&p->tq);
        i32vec_push(&word, ' ');
        if (p->tq.n) {
          symvec *w1 = sd_at(&p->tq, 0);
          i32vec_append(&word, w1->p, w1->n);
        }
        sd_pop_front(&p->tq);
        sd_push_front(&p->tq, word.p, word.n);
        ubuf_copy(&wb, uq_front(&p->wblanks));
        uq_pop(&p->wblanks);
        merge_wblanks(&wb, uq_front(&p->wblanks));
        uq_pop(&p->wblanks);
        uq_push_front(&p->wblanks, wb.p, wb.len);
        cur_word--;
      }
      if (cur_word == 0) match_pos = cur_pos;
    }

    if (fresh && skip_ok && cur_word == 0 && cur_pos == start_pos && !last_match.len) {
      /* Attempts from start_pos that would die at once change nothing but
       * start_pos; the last symbol of the word goes the normal way, which
       * also writes the word out. */
      const symvec *w0 = sd_at(&p->tq, 0);
      while (start_pos + 1 < w0->n && (uint32_t)w0->p[start_pos] < 256 &&
             dies_at_start(p, dies, &scratch, w0->p[start_pos]))
        start_pos++;
      cur_pos = start_pos;
    }
    int at_start = fresh && skip_ok; /* cur is the initial State */
    fresh = 0;
    int32_t sym = 0;
    int is_end = 0;
    symvec *cw = sd_at(&p->tq, cur_word);
    if (cur_pos < cw->n) {
      sym = cw->p[cur_pos];
      cur_pos++;
    } else if (cur_word + 1 == p->tq.n && !read_translit_word(p)) {
      is_end = 1;
    } else {
      sym = ' ';
      cur_word++;
      cur_pos = 0;
    }

    if (uc_isalnum(sym) || fst_is_letter(p->f, sym)) {
      if (!have_first) {
        have_first = 1;
        if (uc_isupper(sym)) firstupper = 1;
        else {
          firstupper = 0;
          have_second = 1;
        }
      } else if (!have_second) {
        have_second = 1;
        uppercase = uc_isupper(sym);
      }
    }

    if (at_start && sym > 0 && sym < 256 && dies_at_start(p, dies, &scratch, sym))
      cur.n = 0; /* what the step would give */
    else
      st_step_case_override(&p->E, &cur, sym, p->o.case_sensitive || cur.n >= FST_MAX_CI_STATE);

    if (cur.n == 0 || is_end) {
      if (last_match.len == 0) {
        start_pos++;
      } else {
        size_t len_now = sd_at(&p->tq, 0)->n;
        if (rewrites++ == 0) first_len = len_now;
        if (rewrites > 4096 + 64 * first_len || len_now > 1024 + 16 * first_len) {
          p->E.failed = 1;
          p->rewrite_loop = 1;
          break;
        }
        tokenize(p->f, last_match.p + 1, last_match.len - 1, &match);
        last_match.len = 0;
        symvec *w0 = sd_at(&p->tq, 0);
        i32vec_set(&word, w0->p, w0->n);
        sd_pop_front(&p->tq);
        if (p->o.keep_initials) keep_initials(&match, &word, start_pos, match_pos);
        size_t i = 0;
        for (; i < match.n && i < match_pos - start_pos; i++)
          if (match_pos < i + 1 || match_pos - i - 1 >= word.n || match.p[match.n - i - 1] != word.p[match_pos - i - 1])
            break;
        new_word.n = 0;
        size_t sp = start_pos < word.n ? start_pos : word.n;
        size_t mp = match_pos < word.n ? match_pos : word.n;
        i32vec_append(&new_word, word.p, sp);
        i32vec_append(&new_word, match.p, match.n);
        i32vec_append(&new_word, word.p + mp, word.n - mp);
        sd_push_front(&p->tq, new_word.p, new_word.n);
        space_diff += count_spaces(new_word.p, new_word.n) - count_spaces(word.p, word.n);
        size_t last_start = start_pos;
        start_pos = match_pos - i;
        if (start_pos == last_start) start_pos++;
        cur_pos = start_pos;
        cur_word = 0;
      }
      if (start_pos >= sd_at(&p->tq, 0)->n) {
        proc_write_blank_front(p);
        const ubuf *wbf = uq_front(&p->wblanks);
        int has_wblank = wbf->len > 0;
        out_u16(p->out, wbf->p, wbf->len);
        uq_pop(&p->wblanks);
        symvec *w0 = sd_at(&p->tq, 0);
        i32vec_set(&word, w0->p, w0->n);
        sd_pop_front(&p->tq);
        int space_count = count_spaces(word.p, word.n), space_out = 0;
        out.len = 0;
        for (size_t k = 0; k < word.n; k++) {
          int32_t c = word.p[k];
          if (c == ' ') {
            if (space_out + space_diff >= space_count) {
              ubuf_push(&out, ' ');
            } else {
              const ubuf *b = uq_front(&p->blanks);
              ubuf_append(&out, b->p, b->len);
              uq_pop(&p->blanks);
            }
            space_out++;
          } else if (p->drop_tilde && c == '~') {
          } else {
            if (c > 0 && is_escaped(c)) ubuf_push(&out, '\\');
            proc_sym_append(p, &out, c);
          }
        }
        out_u16(p->out, out.p, out.len);
        if (has_wblank) out_str(p->out, "[[/]]");
        while (space_diff < 0) {
          const ubuf *b = uq_front(&p->blanks);
          if (!(b->len == 1 && b->p[0] == ' ')) out_u16(p->out, b->p, b->len);
          uq_pop(&p->blanks);
          space_diff++;
        }
        space_diff = 0;
        start_pos = 0;
        rewrites = 0;
        pl_out_maybe_spill(p->out);
      }
      match_pos = 0;
      cur_pos = start_pos;
      cur_word = 0;
      uppercase = firstupper = have_first = have_second = 0;
      p->E.pool.n = p->pool_base;
      proc_reset_state(p, &cur);
      fresh = 1;
    }
  }
  if (match.failed || word.failed || new_word.failed || p->tq.failed || last_match.failed || out.failed)
    p->E.failed = 1;
  st_free(&cur);
  st_free(&scratch);
  ubuf_free(&last_match);
  ubuf_free(&out);
  ubuf_free(&wb);
  free(match.p);
  free(word.p);
  free(new_word.p);
  return PL_OK;
}
