/* The index directory beyond what Xapian keeps there: the writer's pid file
 * (who holds the lock, for the "locked by another writer (pid N)" message)
 * and recovery from a creation cut short by kill -9. */
#ifndef NX_INDEX_DIR_H
#define NX_INDEX_DIR_H

/* Writes DIR/newsdex.pid atomically; returns 1 if written. Informational
 * only: Xapian's lock decides who may write. */
int nx_index_dir_write_pid(const char *dir);
void nx_index_dir_remove_pid(const char *dir);

/* Pid named by DIR/newsdex.pid if that process is running (and is not us),
 * else 0. Call only after Xapian said the index is locked, so a pid file
 * left by a killed writer misleads nobody. */
long nx_index_dir_lock_holder(const char *dir);

/* A kill while Xapian creates an index leaves tables without "iamglass",
 * which Xapian then refuses to open forever. Nothing in such a directory was
 * ever committed: if it holds only Xapian's creation files and no process
 * holds its lock, they are removed so the index can be created again.
 * Returns 1 if anything was removed. */
int nx_index_dir_clear_unfinished(const char *dir);

#endif
