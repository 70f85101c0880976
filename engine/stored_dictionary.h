/* The preset dictionary stored articles are compressed against: text of
 * the kind they hold, so even a short article finds its common words and
 * field layout already seen (a fifth smaller than compressed alone). */
#ifndef NX_STORED_DICTIONARY_H
#define NX_STORED_DICTIONARY_H

#include <stddef.h>

extern const unsigned char nx_stored_dictionary[];
extern const size_t nx_stored_dictionary_size;

#endif
