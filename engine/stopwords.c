/* The list is deliberately short. Words that are also business terms stay
 * searchable: "us" (U.S. folds to it), "it" (IT), "who" (WHO), "may" (the
 * month), "up", "down", "off" (lays off), "out", "over", "under", "more",
 * "all", "will", "can", "new", "no". */
#include "stopwords.h"

#include <string.h>

const char *const nx_stopwords[] = {
    "a",       "about",   "after",   "again",   "am",      "an",      "and",
    "any",     "are",     "as",      "at",      "be",      "because", "been",
    "before",  "being",   "between", "both",    "but",     "by",      "could",
    "did",     "do",      "does",    "doing",   "during",  "each",    "few",
    "for",     "from",    "further", "had",     "has",     "have",    "having",
    "he",      "her",     "here",    "hers",    "herself", "him",     "himself",
    "his",     "how",     "i",       "if",      "in",      "into",    "is",
    "its",     "itself",  "just",    "me",      "my",      "myself",  "nor",
    "not",     "of",      "on",      "once",    "only",    "or",      "other",
    "our",     "ours",    "ourselves", "own",   "same",    "she",     "should",
    "so",      "some",    "such",    "than",    "that",    "the",     "their",
    "theirs",  "them",    "themselves", "then", "there",   "these",   "they",
    "this",    "those",   "through", "to",      "too",     "until",   "very",
    "was",     "we",      "were",    "what",    "when",    "where",   "which",
    "while",   "whom",    "why",     "with",    "would",   "you",     "your",
    "yours",   "yourself", "yourselves", NULL,
};

int nx_is_stopword(const char *w, size_t len)
{
    /* Binary search over the sorted list (the unit test checks the order). */
    size_t lo = 0, hi = sizeof nx_stopwords / sizeof nx_stopwords[0] - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *s = nx_stopwords[mid];
        size_t n = strlen(s);
        int c = memcmp(w, s, len < n ? len : n);
        if (c == 0)
            c = len < n ? -1 : len > n ? 1 : 0;
        if (c == 0)
            return 1;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return 0;
}
