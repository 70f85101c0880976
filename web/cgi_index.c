/* The index behind the web search. A FastCGI process keeps it open across
 * requests; before each search it picks up what the indexer committed
 * (newsdex_db_reopen) and opens it afresh when the directory itself was
 * replaced, e.g. by a nightly rebuild moved into place. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cgi.h"

/* An index is a directory, a stub file listing shards, or a remote
 * tcp:// address (which has no identity to compare: always reused). */
static int identity(const char *path, dev_t *dev, ino_t *ino)
{
    struct stat st;
    if (strncmp(path, "tcp://", 6) == 0) {
        *dev = 0;
        *ino = 0;
        return 0;
    }
    if (stat(path, &st) != 0 || !(S_ISDIR(st.st_mode) || S_ISREG(st.st_mode)))
        return -1;
    *dev = st.st_dev;
    *ino = st.st_ino;
    return 0;
}

cgi_index cgi_index_of(const cgi_settings *s)
{
    cgi_index ix = {.path = s->db};
    newsdex_db_open_options_init(&ix.open);
    ix.open.shard_timeout_ms = s->shard_timeout_ms;
    ix.open.partial = s->partial;
    return ix;
}

void cgi_index_close(cgi_index *ix)
{
    newsdex_db_close(ix->db);
    ix->db = NULL;
}

static newsdex_db *open_fresh(cgi_index *ix)
{
    cgi_index_close(ix);
    ix->failure = NEWSDEX_ERR_NOT_FOUND;
    if (!ix->path || !ix->path[0]) {
        fprintf(stderr, "newsdex.cgi: no index configured (set NEWSDEX_DB or db = in "
                        "newsdex.cgi.conf beside the program)\n");
        return NULL;
    }
    if (identity(ix->path, &ix->dev, &ix->ino) != 0) {
        fprintf(stderr, "newsdex.cgi: no index at %s\n", ix->path);
        return NULL;
    }
    char *message = NULL;
    if ((ix->failure = newsdex_db_open_with(&ix->path, 1, &ix->open, &ix->db, &message)) !=
        NEWSDEX_OK) {
        fprintf(stderr, "newsdex.cgi: %s\n", message ? message : "cannot open the index");
        free(message);
        ix->db = NULL;
        return NULL;
    }
    ix->opens++; /* a new handle: answers cached under the old one are stale */
    return ix->db;
}

newsdex_db *cgi_index_get(cgi_index *ix)
{
    dev_t dev;
    ino_t ino;
    if (!ix->db || identity(ix->path, &dev, &ino) != 0 || dev != ix->dev || ino != ix->ino)
        return open_fresh(ix);
    if (newsdex_db_reopen(ix->db) != NEWSDEX_OK) {
        fprintf(stderr, "newsdex.cgi: reopening the index: %s\n",
                newsdex_db_last_error(ix->db));
        return open_fresh(ix);
    }
    return ix->db;
}
