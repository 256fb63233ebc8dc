package tickertape.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tickertape.market.Timeframe;
import tickertape.polygon.FakePolygon;
import tickertape.polygon.FakePolygon.Fault;
import tickertape.polygon.FakePolygon.RecordedRequest;
import tickertape.sandbox.Aggregate;

/** What a page may hold, through the real routes: pagination, empty windows, odd but valid content. */
class PagesTest extends IngestionTestSupport {
    private static final LocalDate MONDAY = LocalDate.of(2024, 3, 4);
    private static final LocalDate FRIDAY = LocalDate.of(2024, 3, 8);

    @Test
    void aWindowOfSeveralPagesIsStoredWholeOnceFollowingNextUrlWithTheKeyOnlyAsBearer() throws Exception {
        addTicker("PAGE");
        int since = fake.requestCount();
        Instant from = midnight(MONDAY);
        Instant to = midnight(FRIDAY.plusDays(1)).minusMillis(1);

        Run run = ingest("PAGE", Timeframe.M1, from, to);

        List<Aggregate> expected = sourceMinutes("PAGE", MONDAY, FRIDAY);
        assertThat(run.status()).as(run.toString()).isEqualTo("SUCCEEDED");
        assertStoredExactly("PAGE", Timeframe.M1, from, to.plusMillis(1), expected);
        assertThat(run.received()).isEqualTo(expected.size());
        assertThat(run.inserted()).isEqualTo(expected.size());
        assertThat(run.updated()).isZero();
        assertThat(run.retries()).isZero();

        List<RecordedRequest> requests = requestsFor("PAGE", since);
        int pages = (expected.size() + PAGE_LIMIT - 1) / PAGE_LIMIT;
        assertThat(requests).as("one request per page").hasSize(pages).hasSize(run.apiCalls());
        assertThat(requests).allSatisfy(request -> {
            assertThat(request.servedAs()).isEqualTo(FakePolygon.PAGE);
            assertThat(request.header("Authorization")).hasValue("Bearer " + fake.expectedKey());
            assertThat(request.pathAndQuery()).doesNotContainIgnoringCase("apikey").doesNotContain(fake.expectedKey());
        });
        assertThat(requests.get(0).pathAndQuery()).doesNotContain("cursor=");
        // every later page is the next_url of the one before: the same path, with the fake's cursor
        String firstPath = requests.get(0).pathAndQuery().replaceFirst("\\?.*", "");
        assertThat(requests.subList(1, requests.size())).allSatisfy(request -> {
            assertThat(request.pathAndQuery()).startsWith(firstPath).contains("cursor=");
        });
        assertThat(requests.stream().map(RecordedRequest::pathAndQuery).distinct()).hasSameSizeAs(requests);
    }

    /**
     * Fewest requests (README, Ingestion): a backfill of two weeks of 1m and 1d for a liquid and a thin
     * ticker asks for little more than the minimum, one request per page-limit of base minute bars of
     * each 1m series and one per daily series, counted from the fake's journal.
     */
    @Test
    void aBackfillAsksForNoMorePagesThanItsBaseBarsNeed() throws Exception {
        LocalDate first = LocalDate.of(2024, 3, 11);
        LocalDate last = LocalDate.of(2024, 3, 22);
        Instant from = midnight(first);
        Instant to = midnight(last.plusDays(1)).minusMillis(1);
        List<String> tickers = List.of("FEWL", "UVXY");
        List<IngestionJob> jobs = new ArrayList<>();
        int minimum = 0;
        for (String ticker : tickers) {
            addTicker(ticker);
            jobs.add(new IngestionJob(RunTrigger.BACKFILL, ticker, Timeframe.M1, from, to, true));
            jobs.add(new IngestionJob(RunTrigger.BACKFILL, ticker, Timeframe.D1, from, to, true));
            int minutes = sourceMinutes(ticker, first, last).size();
            minimum += (minutes + PAGE_LIMIT - 1) / PAGE_LIMIT + 1;
        }
        int since = fake.requestCount();
        long before = queryLong("select coalesce(max(id), 0) from ingestion_run");

        template.sendBody("direct:queue-jobs", jobs);

        assertThat(queryLong("select count(*) from ingestion_run where id > " + before)).isEqualTo(jobs.size());
        for (long runId = before + 1; runId <= before + jobs.size(); runId++) {
            Run run = awaitRun(runId);
            assertThat(run.status()).as(run.toString()).isEqualTo("SUCCEEDED");
        }
        int requests = 0;
        for (String ticker : tickers) {
            assertStoredExactly(ticker, Timeframe.M1, from, to, sourceMinutes(ticker, first, last));
            assertThat(barCount(ticker, "1d")).isEqualTo(10);
            requests += requestsFor(ticker, since).size();
        }
        assertThat(minimum).as("the two weeks take several pages").isGreaterThan(2 * 4);
        assertThat(requests).as("requests for a minimum of %d", minimum)
                .isGreaterThanOrEqualTo(minimum).isLessThanOrEqualTo((int) Math.floor(minimum * 1.1));
    }

    @Test
    @SuppressWarnings("unchecked")
    void queueingAJobAnswersAtOnceWithoutWaitingForItsRun() throws Exception {
        addTicker("QUEU");
        fake.failNext(Fault.responseDelay(Duration.ofSeconds(5)));
        Instant from = midnight(MONDAY);
        IngestionJob job = planner().window(RunTrigger.MANUAL, "QUEU", Timeframe.M1, from, from.plus(Duration.ofHours(20)));

        // as gap repair asks: a request for the opened jobs, answered before the job has run
        List<IngestionJob> opened = template.requestBody("direct:queue-jobs", List.of(job), List.class);

        assertThat(opened).hasSize(1);
        assertThat(run(opened.get(0).runId()).status()).as("the run, its page still delayed").isEqualTo("RUNNING");
        assertThat(awaitRun(opened.get(0).runId()).status()).isEqualTo("SUCCEEDED");
    }

    @Test
    void anEmptyWindowSucceedsWithNoBars() throws Exception {
        addTicker("EMPT");
        int since = fake.requestCount();
        // a weekend: the source's answer has no results key at all
        Instant from = midnight(LocalDate.of(2024, 3, 9));
        Instant to = midnight(LocalDate.of(2024, 3, 11)).minusMillis(1);

        Run run = ingest("EMPT", Timeframe.M1, from, to);

        assertThat(run.status()).as(run.toString()).isEqualTo("SUCCEEDED");
        assertThat(run.received()).isZero();
        assertThat(run.inserted()).isZero();
        assertThat(barCount("EMPT", "1m")).isZero();
        assertThat(requestsFor("EMPT", since)).hasSize(1);
    }

    @Test
    void anEmptyPageInsteadOfBarsSucceedsWithNoBars() throws Exception {
        addTicker("EMPU");
        fake.failMatching("/ticker/EMPU/", 1, Fault.EMPTY_WINDOW);

        Run run = ingest("EMPU", Timeframe.M1, midnight(MONDAY), midnight(MONDAY.plusDays(1)).minusMillis(1));

        assertThat(run.status()).as(run.toString()).isEqualTo("SUCCEEDED");
        assertThat(run.received()).isZero();
        assertThat(barCount("EMPU", "1m")).isZero();
    }

    @Test
    void delayedStatusIsAccepted() throws Exception {
        addTicker("DELA");
        Instant from = midnight(MONDAY);
        Instant to = midnight(MONDAY.plusDays(2)).minusMillis(1);

        Run run = ingestAnsweredWith(Fault.DELAYED_STATUS, "DELA", from, to);

        assertThat(run.status()).as(run.toString()).isEqualTo("SUCCEEDED");
        assertStoredExactly("DELA", Timeframe.M1, from, to, sourceMinutes("DELA", MONDAY, MONDAY.plusDays(1)));
    }

    @Test
    void fractionalVolumeIsKeptAndMissingVwapAndTradesAreStoredAsNull() throws Exception {
        addTicker("FRAC");
        Instant from = midnight(MONDAY);
        Instant to = midnight(MONDAY.plusDays(1)).minusMillis(1);

        Run run = ingestAnsweredWith(Fault.FRACTIONAL_VOLUME_AND_MISSING_VW_N, "FRAC", from, to);

        assertThat(run.status()).as(run.toString()).isEqualTo("SUCCEEDED");
        List<Aggregate> source = sourceMinutes("FRAC", MONDAY, MONDAY);
        Map<Long, StoredBar> stored = storedBars("FRAC", Timeframe.M1, from, to);
        assertThat(stored).hasSameSizeAs(source);
        // one page (a day fits), so the fake's indexes are the day's bar indexes
        for (int i = 0; i < source.size(); i++) {
            Aggregate bar = source.get(i);
            StoredBar row = stored.get(bar.startMillis());
            double wholeOrNot = bar.volume() == Math.rint(bar.volume()) ? bar.volume() + 0.25 : bar.volume();
            assertThat(row.volume()).as("volume of bar %d", i).isEqualTo(wholeOrNot);
            assertThat(row.volume() % 1).isNotZero();
            assertThat(row.vwap()).as("vwap of bar %d", i).isEqualTo(i % 2 == 0 ? null : bar.vwap());
            assertThat(row.trades()).as("trades of bar %d", i).isEqualTo(i % 3 == 0 ? null : bar.trades());
            assertThat(List.of(row.open(), row.high(), row.low(), row.close()))
                    .containsExactly(bar.open(), bar.high(), bar.low(), bar.close());
        }
    }

    @Test
    void duplicatedAndShuffledResultsAreStoredOnceAndCountedRight() throws Exception {
        addTicker("DUPS");
        Instant from = midnight(MONDAY);
        Instant to = midnight(FRIDAY.plusDays(1)).minusMillis(1);

        Run run = ingestAnsweredWith(Fault.DUPLICATED_AND_SHUFFLED, "DUPS", from, to);

        List<Aggregate> source = sourceMinutes("DUPS", MONDAY, FRIDAY);
        assertThat(run.status()).as(run.toString()).isEqualTo("SUCCEEDED");
        assertStoredExactly("DUPS", Timeframe.M1, from, to, source);
        assertThat(run.inserted()).isEqualTo(source.size());
        assertThat(run.updated()).isZero();
        // every page of n bars comes with its bars at even indexes again: ceil(n / 2) more
        int fullPages = source.size() / PAGE_LIMIT;
        int lastPage = source.size() % PAGE_LIMIT;
        int duplicated = fullPages * (PAGE_LIMIT + (PAGE_LIMIT + 1) / 2) + lastPage + (lastPage + 1) / 2;
        assertThat(run.received()).as("received counts what the pages held, duplicates included")
                .isEqualTo(duplicated);
    }

    @Test
    void reIngestingAWindowChangesNoCounts() throws Exception {
        addTicker("AGIN");
        Instant from = midnight(MONDAY);
        Instant to = midnight(MONDAY.plusDays(3)).minusMillis(1);
        Run first = ingest("AGIN", Timeframe.M1, from, to);
        assertThat(first.status()).isEqualTo("SUCCEEDED");
        List<Long> counts = new ArrayList<>();
        for (String timeframe : List.of("1m", "5m", "15m", "1h", "4h")) {
            counts.add(barCount("AGIN", timeframe));
        }

        Run second = ingest("AGIN", Timeframe.M1, from, to);

        assertThat(second.status()).as(second.toString()).isEqualTo("SUCCEEDED");
        assertThat(second.received()).isEqualTo(first.received());
        assertThat(second.inserted()).isZero();
        assertThat(second.updated()).isZero();
        List<Long> after = new ArrayList<>();
        for (String timeframe : List.of("1m", "5m", "15m", "1h", "4h")) {
            after.add(barCount("AGIN", timeframe));
        }
        assertThat(after).isEqualTo(counts);
        assertThat(queryLong("select count(*) from market_bar where ticker = 'AGIN' and updated_at > "
                + "(select started_at from ingestion_run where id = " + second.id() + ")"))
                .as("no bar re-written by the second run").isZero();
    }

    /** The window of 1m bars ingested with every request for the ticker answered with {@code fault}. */
    private Run ingestAnsweredWith(Fault fault, String symbol, Instant from, Instant to) throws Exception {
        fake.failMatching("/ticker/" + symbol + "/", Integer.MAX_VALUE, fault);
        try {
            return ingest(symbol, Timeframe.M1, from, to);
        } finally {
            fake.clearFaults();
        }
    }
}
