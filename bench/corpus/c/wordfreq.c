/*
 * wordfreq: counts words on stdin (or in the files named as arguments) and prints the
 * most frequent ones. A small but real WASI command: stdio, files, args, environment,
 * clocks and malloc all go through wasi-libc.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct entry {
  char *word;
  unsigned count;
  struct entry *next;
};

#define BUCKETS 4096
static struct entry *table[BUCKETS];
static unsigned distinct;

static unsigned hash(const char *s) {
  unsigned h = 2166136261u;
  while (*s) h = (h ^ (unsigned char)*s++) * 16777619u;
  return h;
}

static void add_word(const char *w) {
  unsigned b = hash(w) % BUCKETS;
  for (struct entry *e = table[b]; e; e = e->next) {
    if (strcmp(e->word, w) == 0) {
      e->count++;
      return;
    }
  }
  struct entry *e = malloc(sizeof *e);
  e->word = strdup(w);
  e->count = 1;
  e->next = table[b];
  table[b] = e;
  distinct++;
}

static void count_stream(FILE *f) {
  char word[128];
  size_t n = 0;
  int c;
  while ((c = fgetc(f)) != EOF) {
    if (isalnum(c) || c == '\'') {
      if (n + 1 < sizeof word) word[n++] = (char)tolower(c);
    } else if (n) {
      word[n] = 0;
      add_word(word);
      n = 0;
    }
  }
  if (n) {
    word[n] = 0;
    add_word(word);
  }
}

static int by_count(const void *a, const void *b) {
  const struct entry *x = *(const struct entry *const *)a, *y = *(const struct entry *const *)b;
  if (x->count != y->count) return x->count < y->count ? 1 : -1;
  return strcmp(x->word, y->word);
}

int main(int argc, char **argv) {
  struct timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  if (argc < 2) {
    count_stream(stdin);
  } else {
    for (int i = 1; i < argc; i++) {
      FILE *f = fopen(argv[i], "r");
      if (!f) {
        perror(argv[i]);
        return 1;
      }
      count_stream(f);
      fclose(f);
    }
  }
  struct entry **all = malloc(sizeof *all * (distinct ? distinct : 1));
  size_t k = 0;
  for (int b = 0; b < BUCKETS; b++)
    for (struct entry *e = table[b]; e; e = e->next) all[k++] = e;
  qsort(all, k, sizeof *all, by_count);
  const char *top_env = getenv("WORDFREQ_TOP");
  size_t top = top_env ? (size_t)strtoul(top_env, NULL, 10) : 10;
  for (size_t i = 0; i < k && i < top; i++) printf("%6u %s\n", all[i]->count, all[i]->word);
  struct timespec end;
  clock_gettime(CLOCK_MONOTONIC, &end);
  fprintf(stderr, "%u distinct words in %.3f ms\n", distinct,
          (end.tv_sec - start.tv_sec) * 1e3 + (end.tv_nsec - start.tv_nsec) / 1e6);
  return 0;
}
