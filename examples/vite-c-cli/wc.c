/*
 * wc: count the lines, words and bytes of standard input.
 *
 *   wc [-l] [-w] [-c] [--label NAME]
 *
 * With no flag it prints all three counts. --label prints NAME after the counts, as wc prints a
 * file name. An unknown option prints usage to stderr and exits with status 2 (a WASI 0.2
 * host sees only failure: the page shows exit code 1).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#ifndef COUNT_FORMAT
#define COUNT_FORMAT "%8ld"
#endif

static void usage(const char *problem, const char *arg) {
  fprintf(stderr, "wc: %s '%s'\n", problem, arg);
  fprintf(stderr, "usage: wc [-l] [-w] [-c] [--label NAME] < input\n");
}

int main(int argc, char **argv) {
  int want_lines = 0, want_words = 0, want_bytes = 0;
  const char *label = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--label") == 0) {
      if (i + 1 >= argc) {
        usage("missing value for", a);
        return 2;
      }
      label = argv[++i];
    } else if (a[0] == '-' && a[1] != '\0' && a[1] != '-') {
      for (const char *f = a + 1; *f; f++) {
        if (*f == 'l') want_lines = 1;
        else if (*f == 'w') want_words = 1;
        else if (*f == 'c') want_bytes = 1;
        else {
          usage("unknown option", a);
          return 2;
        }
      }
    } else {
      usage(a[0] == '-' ? "unknown option" : "unexpected operand", a);
      return 2;
    }
  }
  if (!want_lines && !want_words && !want_bytes) want_lines = want_words = want_bytes = 1;

  long lines = 0, words = 0, bytes = 0;
  int in_word = 0;
  int c;
  while ((c = getchar()) != EOF) {
    bytes++;
    if (c == '\n') lines++;
    if (isspace(c)) in_word = 0;
    else if (!in_word) {
      in_word = 1;
      words++;
    }
  }
  if (want_lines) printf(COUNT_FORMAT, lines);
  if (want_words) printf(COUNT_FORMAT, words);
  if (want_bytes) printf(COUNT_FORMAT, bytes);
  if (label) printf(" %s", label);
  printf("\n");
  return 0;
}
