package tickertape.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzMessage;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeCreatedEvent;
import org.apache.camel.spi.CamelEvent.ExchangeFailedEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.quartz.JobExecutionContext;
import org.quartz.TriggerKey;
import tickertape.AppTestSupport;

/**
 * Two instances on one database, both with the same ticker refreshed every two seconds and a repair
 * every two seconds: each scheduled fire of each runs on one instance only (Quartz's clustered JDBC
 * JobStore), however many instances have the route, from the moment the second one joins. A ticker
 * block set inactive has no trigger on the schedule at all.
 */
class ClusterScheduleTest {
    private static final List<TriggerKey> SCHEDULES = List.of(new TriggerKey("SPY", "refresh"),
            new TriggerKey("gap-repair", "quality"));
    private static final int FIRES = 4;
    private static final Duration FIRED = Duration.ofSeconds(90);

    @RegisterExtension
    final Instances instances = Instances.of(Map.of(
            "camel.main.routes-include-pattern", "file:" + routesWithTicker() + "/*.camel.yaml",
            "tickertape.refresh-schedule", "0/2 * * * * ?",
            "quality.repair-enabled", "true",
            "quality.repair-schedule", "0/2 * * * * ?",
            "tickertape.backfill-from", "P1D"));

    @Test
    void eachScheduledFireRunsOnOneInstance() throws Exception {
        List<Fire> fires = new CopyOnWriteArrayList<>();
        List<String> failedRepairs = new CopyOnWriteArrayList<>();
        instances.start(context -> {
            countFires(context, fires);
            recordFailedRepairs(context, failedRepairs);
        });
        Date secondStarting = new Date();
        instances.start(context -> {
            countFires(context, fires);
            recordFailedRepairs(context, failedRepairs);
        });

        Instances.await(FIRED, FIRES + " fires of each schedule while both run", () -> SCHEDULES.stream()
                .allMatch(schedule -> fires.stream().filter(fire -> fire.schedule().equals(schedule)
                        && fire.scheduled().after(secondStarting)).distinct().count() >= FIRES));

        List<Fire> whileBothRan = fires.stream().filter(fire -> fire.scheduled().after(secondStarting)).toList();
        assertThat(whileBothRan).as("fires of both instances").doesNotHaveDuplicates();
        assertThat(instances.queryLong("select count(*) from qrtz_triggers where trigger_group = 'refresh'"
                + " and trigger_name = 'IDLE'")).as("the inactive block's refresh triggers").isZero();
        assertThat(failedRepairs).as("repairs, which leave the inactive block's ticker out").isEmpty();
    }

    /** One fire: the schedule's trigger and the time it was scheduled for. */
    private record Fire(TriggerKey schedule, Date scheduled) {
    }

    /** routes/ with a ticker block and an inactive one, as both instances would read them from one share. */
    private static Path routesWithTicker() {
        Path copy = AppTestSupport.copyOfRoutesWithoutTickers();
        try {
            Files.writeString(copy.resolve("tickers.camel.yaml"), AppTestSupport.tickerBlock("SPY") + """
                    - templatedRoute:
                        routeTemplateRef: ticker
                        routeId: ticker-IDLE
                        parameters:
                          - name: symbol
                            value: IDLE
                          - name: active
                            value: "false"
                    """);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return copy;
    }

    /** Records why each fire of the gap repair that {@code context} runs failed. */
    private static void recordFailedRepairs(CamelContext context, List<String> failures) {
        context.getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof ExchangeFailedEvent failed
                        && "gap-repair-schedule".equals(failed.getExchange().getFromRouteId());
            }

            @Override
            public void notify(CamelEvent event) {
                failures.add(String.valueOf(((ExchangeFailedEvent) event).getExchange().getException()));
            }
        });
    }

    /**
     * Records each fire of the schedules that {@code context} runs, from before it starts. A fire is the
     * exchange camel-quartz creates with the fire's QuartzMessage; the copies a route's steps make of it
     * (a split's parts) are exchanges created too, with its headers, but no fires.
     */
    private static void countFires(CamelContext context, List<Fire> fires) {
        context.getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof ExchangeCreatedEvent created
                        && created.getExchange().getIn() instanceof QuartzMessage fire
                        && SCHEDULES.contains(fire.getJobExecutionContext().getTrigger().getKey());
            }

            @Override
            public void notify(CamelEvent event) {
                JobExecutionContext fire = ((QuartzMessage) ((ExchangeCreatedEvent) event).getExchange().getIn())
                        .getJobExecutionContext();
                fires.add(new Fire(fire.getTrigger().getKey(), fire.getScheduledFireTime()));
            }
        });
    }
}
