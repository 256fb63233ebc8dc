package tickertape.cluster;

import static org.assertj.core.api.Assertions.assertThat;

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
import tickertape.AppTestSupport;

/**
 * Two instances on one database, both with a repair every two seconds: each scheduled fire runs on
 * one instance only (Quartz's clustered JDBC JobStore), however many instances have the route.
 */
class ClusterScheduleTest {
    private static final String SCHEDULE_URI = "quartz://quality/gap-repair";
    private static final int FIRES = 4;
    private static final Duration FIRED = Duration.ofSeconds(90);

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
                "camel.main.routes-include-pattern", AppTestSupport.ROUTES_WITHOUT_TICKERS + ",file:routes/quality.camel.yaml",
                "quality.repair-enabled", "true",
                "quality.repair-schedule", "0/2 * * * * ?",
                "tickertape.backfill-from", "P1D"));
        List<Date> fires = new CopyOnWriteArrayList<>();
        CamelContext first = instances.start().getCamelContext();
        countFires(first, fires);
        // In production each instance is a JVM of its own. In this one, Quartz would hand the second
        // instance the first one's scheduler (one per name in a JVM): forget it, so each has its own.
        SchedulerRepository.getInstance().remove(first.getComponent("quartz", QuartzComponent.class).getScheduler()
                .getSchedulerName());
        Main second = instances.start();
        countFires(second.getCamelContext(), fires);
        Date secondStarted = new Date();

        Instances.await(FIRED, FIRES + " fires while both run", () -> fires.stream()
                .filter(fire -> fire.after(secondStarted)).distinct().count() >= FIRES);

        List<Date> whileBothRan = fires.stream().filter(fire -> fire.after(secondStarted)).toList();
        assertThat(whileBothRan).as("scheduled fire times of both instances").doesNotHaveDuplicates();
    }

    /** Records the scheduled time of each fire of the repair schedule in {@code context}. */
    private static void countFires(CamelContext context, List<Date> fires) {
        EventNotifierSupport counter = new EventNotifierSupport() {
            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof ExchangeCreatedEvent created && created.getExchange().getFromEndpoint() != null
                        && created.getExchange().getFromEndpoint().getEndpointUri().startsWith(SCHEDULE_URI);
            }

            @Override
            public void notify(CamelEvent event) {
                fires.add(((ExchangeCreatedEvent) event).getExchange().getMessage().getHeader("scheduledFireTime",
                        Date.class));
            }
        };
        context.getManagementStrategy().addEventNotifier(counter);
        ServiceHelper.startService(counter);
    }
}
