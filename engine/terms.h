/* How articles map to Xapian terms and values: the one place both the
 * indexer and the searcher read it from. Prefixes follow Xapian conventions. */
#ifndef NX_TERMS_H
#define NX_TERMS_H

/* Free-text terms (title and body, with positions) have no prefix. A word
 * that holds a digit (27, 10.5, 1980s: nx_token.digits) is not stemmed, so
 * its stem terms would repeat its own terms posting for posting: it has
 * none, and searches look it up under the word itself (and S+word). */
#define NX_PREFIX_STEM       "Z"    /* stemmed word, any field: layoffs -> Zlayoff */
#define NX_PREFIX_TITLE      "S"    /* title word, with positions */
#define NX_PREFIX_TITLE_STEM "ZS"   /* stemmed title word */
#define NX_PREFIX_ID         "Q"    /* unique article id */
#define NX_PREFIX_YEAR       "Y"    /* YYYY of the article's date (weighted) */
#define NX_PREFIX_MONTH      "M"    /* YYYYMM (filter) */
#define NX_PREFIX_DAY        "D"    /* YYYYMMDD (filter) */
#define NX_PREFIX_FIELD      "X"    /* X<FIELD>:<folded value> (filter), e.g. XTOPICS:energy */
#define NX_FIELD_SOURCE      "SOURCE"
/* Held by every article that keeps its word positions in its stored record
 * (engine/doc_positions.h): where none does, Xapian's own phrase and NEAR
 * see every position, in one index or many. */
#define NX_TERM_OWN_POSITIONS "P"

/* Value slots. */
#define NX_SLOT_DATE 0   /* "YYYYMMDDhhmmss" UTC, sorts as time */
#define NX_SLOT_FINGERPRINT 1  /* 8 bytes, big endian: hash of the article's content */

/* Facets count the filter terms above (XSOURCE:, XTOPICS:) through their
 * posting lists; years and months are looked up in the month map
 * (engine/xapian/month_map.h) or read off NX_SLOT_DATE as the matcher passes each
 * match (the Y and M terms when neither can), and --collapse computes its key from
 * the stored title and date, so the search features add nothing to the
 * index. (Value slots were tried and dropped: Xapian 1.4 aborts the
 * process, std::terminate from ValueUpdater's destructor, when a write
 * fails while it merges value changes, and every extra value made that
 * likelier on a full disk.) */
#define NX_FACET_SOURCE  NX_PREFIX_FIELD NX_FIELD_SOURCE ":"  /* XSOURCE:<folded source> */
#define NX_FACET_TOPIC   NX_PREFIX_FIELD "TOPICS:"            /* XTOPICS:<folded topic> */

/* Index metadata keys (Xapian user metadata). */
#define NX_META_SCHEMA   "newsdex:schema"         /* "1": what this file describes; the
                                                     writer records it with its first
                                                     commit (an index without it is 1) */
#define NX_META_LAST_RUN "newsdex:last_run"       /* JSON summary of the last index run */
#define NX_META_SOURCE   "newsdex:source:"        /* + XSOURCE term -> source as written */
#define NX_META_MONTHS   "newsdex:months"         /* "3:512": the month map is complete */
#define NX_META_MONTHS_CHUNK "newsdex:months:"    /* + chunk number: engine/xapian/month_map.h */

/* The schema version this library writes, and the highest it reads. A
 * change to the terms, values or metadata above that older libraries would
 * misread raises it. 1: the first; 2: words with a digit have no stem terms
 * (a version-1 searcher would miss them); 3: articles may keep their word
 * positions in their document data (engine/doc_positions.h) instead of
 * Xapian's position table (a version-2 searcher would miss their phrases;
 * newsdex_writer_set_article_positions()).
 * This library reads all three; writing to an older index raises its
 * version to what the new articles need. */
#define NX_SCHEMA_VERSION 3
/* What a writer keeping positions in Xapian's table (the default) records. */
#define NX_SCHEMA_XAPIAN_POSITIONS 2

/* Title words stand above body words: their wdf counts this many times. */
#define NX_TITLE_WDF 3
/* Position gap between title and body so phrases never span the two. */
#define NX_TITLE_BODY_GAP 100

/* Bounds on what one article adds to the index, so that the largest record
 * a reader accepts (32 MiB) costs tens of megabytes while it is indexed,
 * not gigabytes (Xapian keeps every term and position of a document in
 * memory, a few hundred bytes per term). An article that reaches either
 * bound is still added, and stored whole, but only the words before that
 * point (and the list values that fit) are searchable; the writer reports
 * it (newsdex_writer_last_warning(), newsdex_writer_truncated_count()).
 * No real news article comes near them: a long one has a few thousand
 * distinct words. */
#define NX_ARTICLE_TERMS_MAX 200000       /* distinct terms of one article (word,
                                             stem, title and filter terms) */
#define NX_ARTICLE_POSITIONS_MAX 1000000  /* words (positions) of title and body */

/* Xapian rejects terms over 245 bytes; ids leave room for the prefix. */
#define NX_ID_MAX_BYTES 200
#define NX_TERM_MAX_BYTES 240

#endif
