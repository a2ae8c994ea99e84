export const api = {
  add(a, b) {
    return (a + b) >>> 0;
  },
  greet(name) {
    return `hello, ${name}`;
  },
  top(items, n) {
    return [...items].sort((x, y) => y.score - x.score).slice(0, n);
  },
  checksum(data) {
    let h = 0x811c9dc5;
    for (const b of data) h = Math.imul(h ^ b, 0x01000193) >>> 0;
    return h;
  },
};
