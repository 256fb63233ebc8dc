package tickertape.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.main.Main;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeCreatedEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.support.service.ServiceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quartz.impl.SchedulerRepository;

/**
 * Two instances on one database, both with the same ticker refreshed every two seconds and a repair
 * every two seconds: each scheduled fire of each runs on one instance only (Quartz's clustered JDBC
 * JobStore), however many instances have the route.
 */
class ClusterScheduleTest {
    private static final List<String> SCHEDULES = List.of("quartz://refresh/SPY", "quartz://quality/gap-repair");
    private static final int FIRES = 4;
    private static final Duration FIRED = Duration.ofSeconds(90);
    private static final Duration JOINING = Duration.ofSeconds(4);

    private Instances instances;

    @AfterEach
    void stopEverything() throws Exception {
        if (instances != null) {
            instances.close();
        }
    }

    @Test
    void eachScheduledFireRunsOnOneInstance() throws Exception {
        instances = new Instances(Map.of(
                "camel.main.routes-include-pattern", "file:" + routesWithTicker() + "/*.camel.yaml",
                "tickertape.refresh-schedule", "0/2 * * * * ?",
                "quality.repair-enabled", "true",
                "quality.repair-schedule", "0/2 * * * * ?",
                "tickertape.backfill-from", "P1D"));
        List<Fire> fires = new CopyOnWriteArrayList<>();
        CamelContext first = instances.start().getCamelContext();
        countFires(first, fires);
        // In production each instance is a JVM of its own. In this one, Quartz would hand the second
        // instance the first one's scheduler (one per name in a JVM): forget it, so each has its own.
        SchedulerRepository.getInstance().remove(first.getComponent("quartz", QuartzComponent.class).getScheduler()
                .getSchedulerName());
        Main second = instances.start();
        countFires(second.getCamelContext(), fires);
        // Known defect, left open in issue 12: the ticker route's first fire after an instance joins can
        // run on both (seen on the merged main, refresh/SPY only, the second after the join; the planner
        // and the one-open-run-per-series index make it cost no request). Steady state from then on:
        Date secondStarted = new Date(System.currentTimeMillis() + JOINING.toMillis());

        Instances.await(FIRED, FIRES + " fires of each schedule while both run", () -> SCHEDULES.stream()
                .allMatch(schedule -> fires.stream().filter(fire -> fire.schedule().equals(schedule)
                        && fire.scheduled().after(secondStarted)).distinct().count() >= FIRES));

        List<Fire> whileBothRan = fires.stream().filter(fire -> fire.scheduled().after(secondStarted)).toList();
        assertThat(whileBothRan).as("fires of both instances").doesNotHaveDuplicates();
    }

    /** One fire: the schedule's endpoint and the time it was scheduled for. */
    private record Fire(String schedule, Date scheduled) {
    }

    /** routes/ with one ticker block, as both instances would read it from one share. */
    private static Path routesWithTicker() throws IOException {
        Path copy = Files.createTempDirectory("tickertape-routes-");
        try (DirectoryStream<Path> files = Files.newDirectoryStream(Path.of("routes"), "*.camel.yaml")) {
            for (Path file : files) {
                if (!file.getFileName().toString().equals("tickers.camel.yaml")) {
                    Files.copy(file, copy.resolve(file.getFileName()));
                }
            }
        }
        Files.writeString(copy.resolve("tickers.camel.yaml"), """
                - templatedRoute:
                    routeTemplateRef: ticker
                    routeId: ticker-SPY
                    parameters:
                      - name: symbol
                        value: SPY
                """);
        return copy;
    }

    /** Records each fire of the schedules in {@code context}. */
    private static void countFires(CamelContext context, List<Fire> fires) {
        EventNotifierSupport counter = new EventNotifierSupport() {
            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof ExchangeCreatedEvent created && created.getExchange().getFromEndpoint() != null
                        && SCHEDULES.contains(schedule(created));
            }

            @Override
            public void notify(CamelEvent event) {
                ExchangeCreatedEvent created = (ExchangeCreatedEvent) event;
                fires.add(new Fire(schedule(created), created.getExchange().getMessage().getHeader(
                        "scheduledFireTime", Date.class)));
            }
        };
        context.getManagementStrategy().addEventNotifier(counter);
        ServiceHelper.startService(counter);
    }

    /** The quartz endpoint's URI without its parameters. */
    private static String schedule(ExchangeCreatedEvent created) {
        return created.getExchange().getFromEndpoint().getEndpointUri().split("\\?")[0];
    }
}
