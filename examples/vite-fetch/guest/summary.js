// Runs inside the component (SpiderMonkey, built by componentize-js): fetch() is wasi:http.
export async function summarise(url) {
  let items;
  try {
    const response = await fetch(url);
    if (!response.ok) return `fetch failed: HTTP ${response.status}`;
    items = await response.json();
  } catch (err) {
    return `fetch failed: ${err?.message ?? String(err)}`;
  }
  if (!Array.isArray(items) || items.length === 0) return 'no items';
  const total = items.reduce((sum, item) => sum + item.price, 0);
  const dearest = items.reduce((a, b) => (b.price > a.price ? b : a));
  return `${items.length} items, total ${total.toFixed(2)}, dearest: ${dearest.name} (${dearest.price.toFixed(2)})`;
}
