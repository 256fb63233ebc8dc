// Lists aggregates from tickertape's Polygon-compatible endpoint through Polygon's official client,
// exactly as a Polygon user would, and prints the client's answer as JSON on stdout.
// Usage: node list-aggregates.mjs <baseUrl> <ticker> <multiplier> <timespan> <from> <to> [limit]
// The API key comes from the TICKERTAPE_API_KEY environment variable (the client sends it as apiKey=).
import { restClient } from '@polygon.io/client-js';

const [baseUrl, ticker, multiplier, timespan, from, to, limit] = process.argv.slice(2);
if (!process.env.TICKERTAPE_API_KEY) {
  process.stderr.write('TICKERTAPE_API_KEY is not set\n');
  process.exit(2);
}
const rest = restClient(process.env.TICKERTAPE_API_KEY, baseUrl, { pagination: true });
const sort = 'asc';

try {
  const response = await rest.getStocksAggregates(ticker, Number(multiplier), timespan, from, to,
    true, sort, limit === undefined ? undefined : Number(limit));
  // client-js 8.2.0's pagination follows next_url recursively and puts each later page's results
  // BEFORE the earlier ones (results: [...nextPages, ...thisPage]): restore the requested order.
  if (Array.isArray(response.results)) {
    response.results.sort((a, b) => (sort === 'asc' ? a.t - b.t : b.t - a.t));
  }
  process.stdout.write(JSON.stringify(response));
} catch (error) {
  process.stderr.write(`${error.response?.status ?? ''} ${JSON.stringify(error.response?.data ?? error.message)}\n`);
  process.exit(1);
}
