// The export name is the camelCase of the WIT world's function.

export async function sleepThenCount(ms, n) {
  await new Promise((resolve) => setTimeout(resolve, ms));
  let count = 0;
  for (let i = 2; i < n; i++) {
    let prime = true;
    for (let d = 2; d * d <= i; d++) {
      if (i % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
}
