/* "Did you mean": spelling suggestions from the index's own vocabulary.
 * No extra index data: a rare query word is compared with the indexed word
 * forms that start with the same letter (edit distance, Damerau-style), and
 * the closest, most frequent one wins. Only words whose stem is in fewer
 * than NX_SPELL_RARE articles are looked at, so well-spelled queries cost
 * one term-frequency lookup per word. */
#ifndef NX_SPELLING_H
#define NX_SPELLING_H

#include <stddef.h>

#define NX_SPELL_RARE 3      /* a word in fewer articles may be misspelled */
#define NX_SPELL_MIN_LEN 3   /* shorter words are left alone */
#define NX_SPELL_MAX_WORDS 8 /* words corrected per query at most */

/* Edit distance between a[0..na) and b[0..nb) (insertions, deletions,
 * substitutions and swaps of neighbours, bytewise), or max + 1 when it is
 * above max. */
unsigned nx_edit_distance(const char *a, size_t na, const char *b, size_t nb, unsigned max);

#endif
