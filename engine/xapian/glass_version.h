/* Whether Xapian deflates the article records of a glass index, and
 * switching that off (engine/xapian/glass_version.cc).
 *
 * Xapian's glass backend tries zlib on every record over 18 bytes that it
 * stores in the table of document data, and keeps the deflated form when
 * it is smaller. newsdex's records are already compressed with zstd
 * (engine/stored_doc.h), so zlib runs over every byte of every record and
 * never gains: on Reuters-21578 that was a tenth of a build's CPU time,
 * spent in the writer's own thread. Xapian 1.4 keeps the threshold per
 * table in the index's version file ("iamglass"), where 0 means "never
 * compress", and reads it when a writer opens; it offers no call to set
 * it. Records stored either way read back the same: each item says
 * whether it is compressed. */
#ifndef NX_GLASS_VERSION_H
#define NX_GLASS_VERSION_H

#ifdef __cplusplus
extern "C" {
#endif

/* What nx_glass_docdata_compression() found. */
typedef enum nx_glass_compression {
    NX_GLASS_UNKNOWN = -1, /* no version file, or not one laid out as expected */
    NX_GLASS_RAW = 0,      /* records are stored as given */
    NX_GLASS_DEFLATED = 1  /* Xapian tries zlib on every record */
} nx_glass_compression;

/* How the glass index in directory dir stores its document data. */
nx_glass_compression nx_glass_docdata_compression(const char *dir);

/* Rewrites dir's version file, atomically, so that document data is stored
 * as given; the rest of the file is kept byte for byte. Only while no
 * writer holds the index: it takes Xapian's own write lock for the
 * rewrite, so call it with no writable database open on dir. Returns 1 if
 * the file was rewritten, 0 if it was left alone (already so, locked, not
 * a version file laid out as expected, or an I/O error: an index left
 * alone stays valid, and only slower to build). Never throws. */
int nx_glass_store_docdata_raw(const char *dir);

#ifdef __cplusplus
}
#endif
#endif
