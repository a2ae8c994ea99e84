/*
 * A plain core module (no WASI, no component): counts the words of the text the page writes
 * into its buffer. The page imports it as `./words.wasm` beside the notes component.
 */
static char text[8192];

__attribute__((export_name("buffer"))) char *buffer(void) { return text; }

__attribute__((export_name("capacity"))) int capacity(void) { return sizeof text; }

__attribute__((export_name("count_words"))) int count_words(int len) {
  int words = 0, in_word = 0;
  for (int i = 0; i < len && i < (int)sizeof text; i++) {
    int space = text[i] == ' ' || text[i] == '\n' || text[i] == '\t' || text[i] == '\r';
    if (space) in_word = 0;
    else if (!in_word) in_word = 1, words++;
  }
  return words;
}
