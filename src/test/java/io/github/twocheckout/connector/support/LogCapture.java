package io.github.twocheckout.connector.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/** What the connector logs while it is open: "logger message" per event, for tests that no secret is logged. */
public final class LogCapture implements AutoCloseable {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final String name = "capture-" + System.nanoTime();
    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);

    public LogCapture() {
        AbstractAppender appender = new AbstractAppender(name, null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                lines.add(event.getLoggerName() + " " + event.getMessage().getFormattedMessage());
            }
        };
        appender.start();
        context.getConfiguration().getRootLogger().addAppender(appender, null, null);
    }

    public List<String> lines() {
        return lines;
    }

    public String text() {
        return String.join("\n", lines);
    }

    @Override
    public void close() {
        context.getConfiguration().getRootLogger().removeAppender(name);
    }
}
