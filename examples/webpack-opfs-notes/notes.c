/*
 * notes: keeps notes as files under /data, one note per file.
 *
 *   notes list          prints "<id> <text>" for each note, oldest first
 *   notes add TEXT...   stores the words as a new note and prints its id
 *   notes delete ID     removes the note
 *
 * Ids are the file names: the next id is one more than the largest there.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DIR_PATH "/data"
#define MAX_NOTES 256

static int ids[MAX_NOTES];

static int by_number(const void *a, const void *b) {
  return *(const int *)a - *(const int *)b;
}

/* Fills ids[] with the notes' ids, sorted; returns how many, or -1. */
static int scan(void) {
  DIR *d = opendir(DIR_PATH);
  if (!d) {
    fprintf(stderr, "notes: cannot open %s: %s\n", DIR_PATH, strerror(errno));
    return -1;
  }
  int n = 0;
  for (struct dirent *e; (e = readdir(d)) && n < MAX_NOTES;) {
    char *end;
    long id = strtol(e->d_name, &end, 10);
    if (end != e->d_name && strcmp(end, ".txt") == 0) ids[n++] = (int)id;
  }
  closedir(d);
  qsort(ids, n, sizeof ids[0], by_number);
  return n;
}

static int list(void) {
  int n = scan();
  if (n < 0) return 1;
  for (int i = 0; i < n; i++) {
    char path[64], text[1024];
    snprintf(path, sizeof path, DIR_PATH "/%d.txt", ids[i]);
    int fd = open(path, O_RDONLY);
    ssize_t len = fd < 0 ? -1 : read(fd, text, sizeof text - 1);
    if (fd >= 0) close(fd);
    if (len < 0) {
      fprintf(stderr, "notes: cannot read %s: %s\n", path, strerror(errno));
      return 1;
    }
    printf("%d %.*s\n", ids[i], (int)len, text);
  }
  return 0;
}

static int add(int argc, char **argv) {
  int n = scan();
  if (n < 0) return 1;
  int id = n ? ids[n - 1] + 1 : 1;
  char path[64], text[1024] = "";
  for (int i = 0; i < argc; i++) {
    if (i) strncat(text, " ", sizeof text - strlen(text) - 1);
    strncat(text, argv[i], sizeof text - strlen(text) - 1);
  }
  snprintf(path, sizeof path, DIR_PATH "/%d.txt", id);
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
  size_t len = strlen(text);
  if (fd < 0 || write(fd, text, len) != (ssize_t)len || close(fd) != 0) {
    fprintf(stderr, "notes: cannot write %s: %s\n", path, strerror(errno));
    return 1;
  }
  printf("%d\n", id);
  return 0;
}

static int delete(const char *id) {
  char path[64];
  snprintf(path, sizeof path, DIR_PATH "/%d.txt", atoi(id));
  if (unlink(path) != 0) {
    fprintf(stderr, "notes: no note %s: %s\n", id, strerror(errno));
    return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "list") == 0) return list();
  if (argc >= 3 && strcmp(argv[1], "add") == 0) return add(argc - 2, argv + 2);
  if (argc == 3 && strcmp(argv[1], "delete") == 0) return delete(argv[2]);
  fprintf(stderr, "usage: notes list | notes add TEXT... | notes delete ID\n");
  return 2;
}
