package io.asyncinvoke.client.reliability;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.LoggerFactory;

/**
 * Captures the log events of some loggers in memory, lock-free (so it is safe on event loops under
 * BlockHound). {@link #attach} raises the loggers to the given level and, when {@code exclusive},
 * stops their events from reaching the console; {@link #close()} restores both.
 */
final class LogCapture extends UnsynchronizedAppenderBase<ILoggingEvent> implements AutoCloseable {

    private final ConcurrentLinkedQueue<ILoggingEvent> events = new ConcurrentLinkedQueue<>();
    private final List<Logger> loggers = new ArrayList<>();
    private final List<Level> previousLevels = new ArrayList<>();
    private final List<Boolean> previousAdditivity = new ArrayList<>();

    private LogCapture() {
    }

    static LogCapture attach(Level level, boolean exclusive, String... loggerNames) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        LogCapture capture = new LogCapture();
        capture.setContext(context);
        capture.setName("capture-" + String.join(",", loggerNames));
        capture.start();
        for (String name : loggerNames) {
            Logger logger = context.getLogger(name);
            capture.loggers.add(logger);
            capture.previousLevels.add(logger.getLevel());
            capture.previousAdditivity.add(logger.isAdditive());
            logger.setLevel(level);
            if (exclusive) {
                logger.setAdditive(false);
            }
            logger.addAppender(capture);
        }
        return capture;
    }

    @Override
    protected void append(ILoggingEvent event) {
        event.prepareForDeferredProcessing();
        events.add(event);
    }

    /** Each event as one text: level, logger, formatted message and any throwable with its causes. */
    List<String> texts() {
        List<String> out = new ArrayList<>();
        for (ILoggingEvent event : events) {
            out.add(text(event));
        }
        return out;
    }

    static String text(ILoggingEvent event) {
        StringBuilder sb = new StringBuilder().append(event.getLevel()).append(' ').append(event.getLoggerName())
                .append(" [").append(event.getThreadName()).append("] ").append(event.getFormattedMessage());
        IThrowableProxy proxy = event.getThrowableProxy();
        if (proxy != null) {
            sb.append('\n').append(ThrowableProxyUtil.asString(proxy));
        }
        return sb.toString();
    }

    int size() {
        return events.size();
    }

    void clear() {
        events.clear();
    }

    @Override
    public void close() {
        for (int i = 0; i < loggers.size(); i++) {
            Logger logger = loggers.get(i);
            logger.detachAppender(this);
            logger.setLevel(previousLevels.get(i));
            logger.setAdditive(previousAdditivity.get(i));
        }
        stop();
    }
}
