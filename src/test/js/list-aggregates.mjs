// Lists aggregates from tickertape's Polygon-compatible endpoint through Polygon's official client,
// exactly as a Polygon user would, and prints the client's answer as JSON on stdout.
// Usage: node list-aggregates.mjs <baseUrl> <ticker> <multiplier> <timespan> <from> <to> [limit]
// The API key comes from the TICKERTAPE_API_KEY environment variable (the client sends it as apiKey=).
import { restClient } from '@polygon.io/client-js';

const [baseUrl, ticker, multiplier, timespan, from, to, limit] = process.argv.slice(2);
const rest = restClient(process.env.TICKERTAPE_API_KEY, baseUrl, { pagination: true });

try {
  const response = await rest.getStocksAggregates(ticker, Number(multiplier), timespan, from, to,
    true, 'asc', limit === undefined ? undefined : Number(limit));
  process.stdout.write(JSON.stringify(response));
} catch (error) {
  process.stderr.write(`${error.response?.status ?? ''} ${JSON.stringify(error.response?.data ?? error.message)}\n`);
  process.exit(1);
}
